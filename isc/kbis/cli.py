"""`flask --app wsgi isc kbis ...`: read a Kbis from the command line (support, tuning)."""

import json
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from isc.kbis import KbisExtract, KbisFileError, check_extract, read_kbis
from isc.kbis.dates import format_french_date

kbis_group = AppGroup("kbis", help="Kbis extracts: read one and check it as the registration does.")

_PDF = click.Path(exists=True, dir_okay=False, path_type=Path)


@kbis_group.command("parse")
@click.argument("path", type=_PDF)
@click.option("--json", "as_json", is_flag=True, help="Print the fields as JSON (ISO-8601 dates).")
def parse_command(path: Path, as_json: bool) -> None:
    """Read the Kbis PDF at PATH and print its SIREN, company, directors and reading problems."""
    extract = _read(path)
    if as_json:
        click.echo(json.dumps(extract.as_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(_summary(extract))


@kbis_group.command("check")
@click.argument("path", type=_PDF)
@click.option("--first-name", required=True, help="The applicant's first name(s).")
@click.option("--last-name", required=True, help="The applicant's last name.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]),
              help="Check as of this day (default: today).")
def check_command(path: Path, first_name: str, last_name: str, today) -> None:
    """Run the registration's checks on the Kbis at PATH for this applicant; fail if one fails."""
    results = check_extract(
        _read(path), applicant_first_name=first_name, applicant_last_name=last_name,
        today=today.date() if today else date.today(),
        max_age_days=current_app.config["KBIS_MAX_AGE_DAYS"],
    )
    for result in results:
        click.echo(f"[{'ok' if result.passed else 'KO'}] {result.code}: {result.message}")
    if not all(result.passed for result in results):
        raise click.exceptions.Exit(1)


def _read(path: Path) -> KbisExtract:
    try:
        return read_kbis(
            path,
            max_size=current_app.config["KBIS_MAX_SIZE"],
            max_pages=current_app.config["KBIS_MAX_PAGES"],
        )
    except KbisFileError as error:
        click.echo(f"Erreur ({error.code}) : {error.message}", err=True)
        raise click.exceptions.Exit(1) from None


def _summary(extract: KbisExtract) -> str:
    def day(value: date | None) -> str:
        return format_french_date(value) if value else "—"

    lines = [
        f"SIREN          {extract.siren or '—'}",
        f"Name           {extract.denomination or '—'}",
        f"Legal form     {extract.legal_form or '—'}",
        f"Head office    {extract.head_office_address or '—'}",
        f"Registered on  {day(extract.registration_date)}",
        f"Up to date on  {day(extract.extract_date)}",
        f"Directors      {len(extract.dirigeants)}",
    ]
    for person in extract.dirigeants:
        name = f"{person.last_name} {person.first_names}".strip()
        kind = " (legal person)" if person.legal_person else ""
        lines.append(f"  {person.role or '?'}: {name}{kind}")
    lines.append(f"Problems       {len(extract.problems)}")
    lines += [f"  - {problem}" for problem in extract.problems]
    lines.append(f"Read with      {extract.reading}")
    return "\n".join(lines)
