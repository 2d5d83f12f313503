// A relying party built on openid-client v6 (OpenID-certified), driven by
// tests/oidc/test_interop_openid_client.py over stdin/stdout, one JSON object per line.
//
// Usage: node rp.mjs '{"issuer": ..., "client_id": ..., "client_secret": ... | null,
//                      "redirect_uri": ..., "post_logout_redirect_uri": ...}'
// It prints {"step": "authorize", "url": ...} and waits for {"callback": <redirect URL>};
// then {"step": "logout", "url": ...} and waits for {"location": <where ISC sent the browser>};
// then {"step": "done", "result": {...}}. Any failure prints {"step": "error", "message": ...}.
import * as client from 'openid-client'
import * as readline from 'node:readline'

const settings = JSON.parse(process.argv[2])
const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]()

function say (message) {
  process.stdout.write(JSON.stringify(message) + '\n')
}

async function ask (message) {
  say(message)
  const { value, done } = await lines.next()
  if (done) throw new Error('the test closed stdin')
  return JSON.parse(value)
}

async function main () {
  const confidential = Boolean(settings.client_secret)
  const auth = confidential ? client.ClientSecretBasic(settings.client_secret) : client.None()
  // Loopback http: the test serves ISC on 127.0.0.1 without TLS.
  const config = await client.discovery(new URL(settings.issuer), settings.client_id, undefined, auth,
    { execute: [client.allowInsecureRequests] })
  const metadata = config.serverMetadata()

  const verifier = client.randomPKCECodeVerifier()
  const state = client.randomState()
  const nonce = client.randomNonce()
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: settings.redirect_uri,
    scope: 'openid profile email isc',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce
  })
  const { callback } = await ask({ step: 'authorize', url: url.href })

  // Checks state, iss (RFC 9207), the ID token (signature, iss, aud, exp, iat, nonce, at_hash).
  const tokens = await client.authorizationCodeGrant(config, new URL(callback), {
    pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true
  })
  const claims = tokens.claims()
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub)
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token)
  const refreshedClaims = refreshed.claims()

  let introspection = null
  if (confidential) {
    introspection = await client.tokenIntrospection(config, refreshed.access_token)
  }
  await client.tokenRevocation(config, refreshed.refresh_token, { token_type_hint: 'refresh_token' })
  let refreshAfterRevocation = 'accepted'
  try {
    await client.refreshTokenGrant(config, refreshed.refresh_token)
  } catch (error) {
    refreshAfterRevocation = error.error || error.code || String(error)
  }

  const logoutState = client.randomState()
  const logoutUrl = client.buildEndSessionUrl(config, {
    id_token_hint: tokens.id_token,
    post_logout_redirect_uri: settings.post_logout_redirect_uri,
    state: logoutState
  })
  const { location } = await ask({ step: 'logout', url: logoutUrl.href })
  const back = new URL(location)

  say({
    step: 'done',
    result: {
      issuer: metadata.issuer,
      sub: claims.sub,
      acr: claims.acr,
      auth_time: claims.auth_time,
      userinfo,
      refreshed_sub: refreshedClaims && refreshedClaims.sub,
      rotated: refreshed.refresh_token !== tokens.refresh_token,
      introspection,
      refresh_after_revocation: refreshAfterRevocation,
      logout_returned_to: back.origin + back.pathname,
      logout_state_ok: back.searchParams.get('state') === logoutState
    }
  })
}

main().then(() => process.exit(0)).catch((error) => {
  say({ step: 'error', message: String(error && error.stack || error), cause: error && error.cause ? String(error.cause) : null })
  process.exit(1)
})
