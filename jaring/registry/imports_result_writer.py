"""Writing an import's result sheet, in this process or in a helper process of its own (no Django here).

The result file is the original sheet plus `status`, `nomor_pendaftaran` and `alasan` (imports_result.py). Written
after the last chunk it added about 2 s to a 100,000-row import, and written by the import's own process while
the chunks are stored it competed with them for Python's interpreter. So on PostgreSQL a fresh run hands each
committed chunk's rows and outcomes to a helper process, started as

    python -m jaring.registry.imports_result_writer

which reads pickled messages on its standard input: `("start", ResultSpec's fields)`, then `("rows", [(cells,
outcome or None), ...])` for every chunk in file order, then `("notes", lines)`. It writes the workbook to
`ResultSpec.path` and answers `ok` (with its peak memory and CPU time) on its standard output. Its input
comes only from the import that started it.
It imports no Django and starts in a tenth of a second.
"""

from __future__ import annotations

import pickle
import resource
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from jaring.registry.imports_xlsx import WRAP, Workbook

Outcome = tuple[str, str, str]  # status, nomor_pendaftaran, alasan
BLANK: Outcome = ("", "", "")


@dataclass(frozen=True)
class ResultSpec:
    path: str
    header: list[str]
    kept: list[int]  # positions of the original columns written back (an earlier result's own columns dropped)
    width: int  # columns of the original header
    text_columns: frozenset[int]
    widths: list[float]


def result_workbook_write(
    spec: ResultSpec,
    rows: Iterable[tuple[Sequence[object], Outcome | None]],
    notes: Callable[[], list[list[object]]],
) -> None:
    """Write the workbook: each original row with its outcome (None: an empty row), then the notes sheet."""
    workbook = Workbook(Path(spec.path))
    kept, width = spec.kept, spec.width
    with workbook.sheet("hasil", text_columns=spec.text_columns, widths=spec.widths) as sheet:
        sheet.header(spec.header)
        for row, outcome in rows:
            cells = list(row) + [""] * (width - len(row)) if len(row) < width else row
            sheet.row([*(cells[position] for position in kept), *(outcome or BLANK)])
    with workbook.sheet("catatan", widths=[28.0, 90.0], freeze_header=False) as sheet:
        for line in notes():
            sheet.row(line, style=WRAP)
    workbook.close()


def main() -> int:
    stdin = sys.stdin.buffer
    kind, fields = pickle.load(stdin)  # noqa: S301 (a pipe from the import that started this process)
    if kind != "start":
        return 2
    spec = ResultSpec(**fields)  # sent as plain values: run with -m, this module is __main__, not its own name
    notes: list[list[list[object]]] = []

    def rows() -> Iterator[tuple[Sequence[object], Outcome | None]]:
        while True:
            kind, value = pickle.load(stdin)  # noqa: S301 (as above)
            if kind != "rows":
                notes.append(value)
                return
            yield from value

    try:
        result_workbook_write(spec, rows(), lambda: notes[0])
    except EOFError:  # the import stopped or failed: it has no use for half a file
        Path(spec.path).unlink(missing_ok=True)
        return 1
    usage = resource.getrusage(resource.RUSAGE_SELF)
    # What it cost, for the benchmark: peak memory in kB and CPU seconds.
    sys.stdout.write(f"ok {_peak_kb(usage.ru_maxrss)} {usage.ru_utime + usage.ru_stime:.3f}\n")
    return 0


def _peak_kb(maxrss: int) -> int:
    """This program's own peak memory. ru_maxrss keeps the high-water mark of the process image it was started
    from (the import's, a few hundred MB); on Linux VmHWM is that of this program only."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return maxrss


if __name__ == "__main__":
    sys.exit(main())
