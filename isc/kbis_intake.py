"""Kbis uploads of mandataire registrations: safe storage, then reading by a time-limited job.

Files are checked from their content (a real, readable, text PDF within the size and page
limits), stored outside the static folder under a generated name with their SHA-256, and read
by `read_kbis_document`, which parses in a child process killed after KBIS_READ_TIMEOUT so that
a hostile PDF cannot hold a worker.
"""

import hashlib
import multiprocessing
import secrets
from datetime import date
from pathlib import Path

from flask import current_app

from isc import audit
from isc.companies import find_company
from isc.extensions import db
from isc.jobs import enqueue, job
from isc.kbis import KbisFileError, check_extract, read_kbis, validate_pdf
from isc.models import IdentifierType
from isc.models.registration import (
    KbisDocument,
    KbisStatus,
    Registration,
    RegistrationStatus,
    RegistrationStep,
)
from isc.models.types import utcnow
from isc.registration import RegistrationError, require_status


def upload_folder() -> Path:
    folder = Path(current_app.config["KBIS_UPLOAD_FOLDER"] or Path(current_app.instance_path) / "kbis")
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def store_kbis(registration: Registration, data: bytes, original_name: str) -> KbisDocument:
    """Check and store an uploaded Kbis, replacing the previous one, and start reading it."""
    require_status(registration, RegistrationStatus.DRAFT)
    config = current_app.config
    try:
        pages = validate_pdf(data, max_size=config["KBIS_MAX_SIZE"], max_pages=config["KBIS_MAX_PAGES"])
    except KbisFileError as error:
        audit.record("registration.kbis_rejected", target=registration, reason=error.code)
        raise RegistrationError(str(error), field="kbis") from None
    if registration.kbis is not None:
        delete_kbis(registration.kbis)
        db.session.flush()
    registration.step = RegistrationStep.COMPANY  # the new Kbis must pass before "Suivant"
    stored_name = f"{secrets.token_hex(16)}.pdf"
    path = upload_folder() / stored_name
    path.write_bytes(data)
    path.chmod(0o600)
    document = KbisDocument(
        registration=registration,
        stored_name=stored_name,
        sha256=hashlib.sha256(data).hexdigest(),
        original_name=Path(original_name or "kbis.pdf").name[:255],
        size=len(data),
        pages=pages,
        status=KbisStatus.READING,
    )
    db.session.add(document)
    db.session.flush()
    audit.record("registration.kbis_uploaded", target=registration, sha256=document.sha256)
    enqueue(read_kbis_document, document.id, timeout=config["KBIS_READ_TIMEOUT"] + 30)
    return document


def check_again(document: KbisDocument) -> None:
    """The applicant changed their names: read the Kbis again to check them against it."""
    if document.status != KbisStatus.READ:
        return  # not read yet (the job will use the new names), or unreadable whatever the names
    document.status = KbisStatus.READING
    document.checks = None
    enqueue(read_kbis_document, document.id, timeout=current_app.config["KBIS_READ_TIMEOUT"] + 30)


def kbis_path(document: KbisDocument) -> Path:
    return upload_folder() / document.stored_name


def delete_kbis(document: KbisDocument) -> None:
    kbis_path(document).unlink(missing_ok=True)
    db.session.delete(document)


def _parse(path: str, connection) -> None:
    """Child process: read the Kbis and send back the extract (or the error)."""
    try:
        connection.send(("ok", read_kbis(path)))
    except KbisFileError as error:
        connection.send(("error", (error.code, str(error))))
    except Exception as error:  # a PDF that breaks the reader is an unreadable Kbis
        connection.send(("error", ("damaged", f"Le document n'a pas pu être lu ({type(error).__name__}).")))
    finally:
        connection.close()


def parse_with_time_limit(path: Path, seconds: float):
    """`read_kbis(path)` in a child process that is killed after `seconds`."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_parse, args=(str(path), sender), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise KbisFileError(
                "timeout",
                "La lecture du document a pris trop de temps. Vérifiez qu'il s'agit bien d'un "
                "extrait Kbis d'origine, ou contactez le support.",
            )
        kind, value = receiver.recv()
    except EOFError:
        raise KbisFileError("damaged", "Le document n'a pas pu être lu.") from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(1)
    if kind == "error":
        raise KbisFileError(*value)
    return value


@job
def read_kbis_document(document_id: int) -> None:
    """Read a stored Kbis and run the checks against the applicant's names (idempotent)."""
    document = db.session.get(KbisDocument, document_id)
    if document is None or document.status in (KbisStatus.READ, KbisStatus.UNREADABLE):
        return
    read_document(document)
    db.session.commit()


def read_document(document: KbisDocument) -> None:
    """Read `document` now, in a time-limited child process, and store the extract and the
    checks (or why it is unreadable): the job's work, also done directly by the demo seed."""
    registration = document.registration
    config = current_app.config
    try:
        extract = parse_with_time_limit(kbis_path(document), config["KBIS_READ_TIMEOUT"])
    except KbisFileError as error:
        document.status = KbisStatus.UNREADABLE
        document.error = str(error)
        document.read_at = utcnow()
        return
    checks = check_extract(
        extract,
        applicant_first_name=registration.first_name or "",
        applicant_last_name=registration.last_name or "",
        today=date.today(),
        max_age_days=config["KBIS_MAX_AGE_DAYS"],
    )
    document.extract = extract.as_json()
    document.checks = [
        {"code": check.code, "passed": check.passed, "message": check.message} for check in checks
    ]
    document.siren = extract.siren
    document.extract_date = extract.extract_date
    document.status = KbisStatus.READ
    document.read_at = utcnow()
    if extract.siren:
        company = find_company(IdentifierType.SIREN, extract.siren)
        registration.existing_company_id = company.id if company else None
