"""How fast `read_kbis` reads a Kbis, against a bare text extraction of the same file.

    python benchmarks/kbis_reading.py [--runs 15] [--flavors]

Generates Kbis PDFs (tests/kbis/pdf_factory.py, needs reportlab from the `test` extra), then
prints, per layout, the median time per page of `read_kbis` and of the baseline (pypdfium2:
open, then `get_text_range` of every page), both measured in this run, and their ratio.
`--flavors` also prints how much of each page every camelot flavor reads (the measure
`reader.reading_score`, against the page's text layer) and its median time.
"""

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pypdfium2  # noqa: E402

from isc.kbis import read_kbis  # noqa: E402
from isc.kbis.files import check_pdf, validate_pdf  # noqa: E402
from isc.kbis.reader import _table_rows, reading_score, rows_from_text  # noqa: E402
from tests.kbis.pdf_factory import Dirigeant, kbis_pdf  # noqa: E402

LONG_ADDRESS = ("Bâtiment C, Parc d'activités des Grands Champs, 145 avenue du Général de Gaulle, "
                "Zone industrielle nord, 92000 Nanterre")
SEVERAL = (
    Dirigeant("Président", "DUPONT Marie Claire"),
    Dirigeant("Directeur général", "DURAND Pierre François Marie"),
    Dirigeant("Directeur général délégué", "LÉVÊQUE-D'ARTOIS Anne-Sophie Hélène"),
    Dirigeant("Commissaire aux comptes titulaire", "AUDIT & ASSOCIÉS", legal_person=True),
    Dirigeant("Commissaire aux comptes suppléant", "MARTIN Paul"),
)
BOARD = tuple(Dirigeant("Administrateur", f"ADMINISTRATEUR{chr(65 + i)} Jeanne") for i in range(14))
LAYOUTS = {
    "SAS, unruled, 1 page": {},
    "SAS, ruled, 1 page": {"ruled": True},
    "SARL, gérant, 1 page": {"legal_form": "Société à responsabilité limitée",
                             "dirigeants": (Dirigeant("Gérant", "BERNARD Élodie"),)},
    "5 directors, long values, 2 pages": {"dirigeants": SEVERAL, "address": LONG_ADDRESS,
                                          "page_break_before": "Directeur général délégué"},
    "role heading at a page foot, 2 pages": {"dirigeants": SEVERAL,
                                             "page_break_before": "Nom, prénoms"},
    "ruled, 2 pages": {"ruled": True, "dirigeants": SEVERAL,
                       "page_break_before": "Directeur général délégué"},
    "16 directors, 3 pages": {"dirigeants": SEVERAL[:2] + BOARD},
    "SAS, QR code drawn in vectors, 1 page": {"vector_qr": True},
}
FLAVORS = {
    "stream/page": {"flavor": "stream", "table_areas": ["-100000,100000,100000,-100000"]},
    "network": {"flavor": "network"},
    "stream": {"flavor": "stream"},
    "lattice": {"flavor": "lattice"},
    "hybrid": {"flavor": "hybrid"},
}


def medians_ms(functions, runs: int) -> list[tuple[float, float]]:
    """Median wall-clock and CPU times of each function, in ms, the functions run in turn."""
    times = [([], []) for _ in functions]
    for _ in range(runs):
        for function, (wall, cpu) in zip(functions, times, strict=True):
            start, start_cpu = time.perf_counter(), time.process_time()
            function()
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
    return [(statistics.median(wall) * 1000, statistics.median(cpu) * 1000) for wall, cpu in times]


def text_baseline(data: bytes) -> None:
    document = pypdfium2.PdfDocument(data)
    for page in document:
        page.get_textpage().get_text_range()
    document.close()


def timings(runs: int) -> None:
    start = time.perf_counter()
    read_kbis(kbis_pdf())  # imports camelot (pandas, OpenCV): once per process
    print(f"First read, with camelot's import: {(time.perf_counter() - start) * 1000:.0f} ms\n")
    print(f"{'':40} {'':>5}  {'read_kbis':^17}  {'text only':^17}  {'ratio':>5}")
    columns = f"{'wall':>8} {'cpu':>8}"
    print(f"{'layout':40} {'pages':>5}  {columns}  {columns}  {'(cpu)':>5}  read with")
    for name, changes in LAYOUTS.items():
        data = kbis_pdf(**changes)
        pages = validate_pdf(data)
        reading = read_kbis(data).reading
        kbis, text = ([ms / pages for ms in pair] for pair in medians_ms(
            [lambda data=data: read_kbis(data), lambda data=data: text_baseline(data)], runs))
        print(f"{name:40} {pages:>5}  {kbis[0]:>5.1f} ms {kbis[1]:>5.1f} ms  {text[0]:>5.2f} ms "
              f"{text[1]:>5.2f} ms  {kbis[1] / text[1]:>4.0f}x  {reading}")
    print("\nMedians per page; the CPU time is this process's, less sensitive to a busy machine.")


def flavors(runs: int) -> None:
    import camelot

    print(f"\n{'layout, page':44} {'text':>4}  " + "  ".join(f"{name:>16}" for name in FLAVORS))
    for name, changes in LAYOUTS.items():
        data = kbis_pdf(**changes)
        text_pages = rows_from_text(check_pdf(data).page_texts)
        for number, text_rows in enumerate(text_pages, start=1):
            cells = []
            for options in FLAVORS.values():
                slow = options["flavor"] in ("lattice", "hybrid")

                def read(options=options, page=str(number), data=data):
                    return camelot.read_pdf(data, pages=page, suppress_stdout=True, **options)

                tables = read()
                rows = [row for table in sorted(tables, key=lambda t: -t.rows[0][0])
                        for row in _table_rows(table.df.values.tolist(), number)]
                ms = medians_ms([read], 1 if slow else max(3, runs // 3))[0][1]
                cells.append(f"{reading_score(rows):>3} {ms:>6.0f} ms")
            print(f"{name + ', p' + str(number):44} {reading_score(text_rows):>4}  "
                  + "  ".join(f"{cell:>16}" for cell in cells))
    print("\nEach cell: what the flavor reads of the page (the text layer's figure is the target), "
          "and its median CPU time.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs per layout (median)")
    parser.add_argument("--flavors", action="store_true",
                        help="also compare camelot's flavors page by page")
    arguments = parser.parse_args()
    warnings.simplefilter("ignore")
    timings(arguments.runs)
    if arguments.flavors:
        flavors(arguments.runs)


if __name__ == "__main__":
    main()
