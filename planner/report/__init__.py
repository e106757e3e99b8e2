"""The leadership PDF report of a plan (issue 4).

``write_report(path, plan, dataset, baseline)`` writes a board-pack PDF: executive summary,
migration timeline, vendor load, cost, action calendar, contract table, assumptions; given
``insights`` (price of speed, levers, doctor, scenarios, ramp risk), a Decision support
section comes before the assumptions.
It is Qt-free (the CLI and the app's worker both call it), reports progress through a
plain callback and writes atomically, so a failed or cancelled run never leaves half a
PDF where the user asked for one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab import rl_config
from reportlab.platypus import Flowable
from reportlab.platypus.doctemplate import LayoutError

from planner.domain import Dataset
from planner.problems import PlannerError
from planner.report import decision, sections
from planner.report.charts import VendorPalette
from planner.report.fonts import FontError, load_fonts
from planner.report.layout import ReportDoc, make_styles, numbered_canvas, page_size
from planner.results import PlanResult

if TYPE_CHECKING:
    from planner.insights.bundle import InsightsBundle

__all__ = ["ReportError", "VendorPalette", "default_title", "write_report"]

Progress = Callable[[float, str], None]


class ReportError(PlannerError):
    """The report could not be written (bad option, unwritable folder, broken fonts)."""


def default_title(plan: PlanResult, dataset: Dataset) -> str:
    name = plan.source_name or (Path(dataset.source.path).name if dataset.source else "")
    return f"Migration plan: {Path(name).stem}" if name else "Migration plan"


def write_report(path: str | Path, plan: PlanResult, dataset: Dataset,
                 baseline: PlanResult | None = None, *, page_size: str = "A4",
                 title: str | None = None, progress: Progress | None = None,
                 insights: InsightsBundle | None = None) -> Path:
    """Write the PDF report to ``path`` (atomically) and return its absolute path.

    ``page_size`` is A4, Letter, Legal or A3 (pages are landscape). ``insights``: the
    insights computed for ``plan``; the ones present get a Decision support section.
    Raises :class:`ReportError` with a plain message on any failure.
    """
    target = Path(path).expanduser().resolve()
    report = progress or (lambda _f, _m: None)
    try:
        size = _page_size(page_size)
        fonts = load_fonts()
    except (ValueError, FontError) as exc:
        raise ReportError(str(exc)) from exc
    if not target.parent.is_dir():
        raise ReportError(f"cannot write {target}: folder {target.parent} does not exist")
    title = title or default_title(plan, dataset)
    styles = make_styles(fonts)
    probe = ReportDoc(os.devnull, size)
    ctx = sections.Context(plan=plan, dataset=dataset, baseline=baseline, fonts=fonts,
                           styles=styles, width=probe.width, height=probe.height, title=title,
                           generated=date.today(), insights=insights)
    story: list[Flowable] = []
    steps = [
        ("Executive summary", sections.executive_summary),
        ("Migration timeline", sections.timeline),
        ("Vendor load", sections.vendor_load),
        ("Cost", sections.cost),
        ("Action calendar", sections.action_calendar),
        ("Contracts", sections.contract_table),
        *([("Decision support", decision.decision_support)] if sections.insight_parts(ctx)
          else []),
        ("Assumptions and data", sections.assumptions),
    ]
    header_right = f"Plan start {plan.plan_start.isoformat()} · generated {ctx.generated}"
    canvas = numbered_canvas(fonts, title, header_right,
                             "Migration planner report · confidential")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".pdf.tmp",
                                   dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise ReportError(f"cannot write the report {target}: {exc.strerror or exc}") from exc
    try:
        with _fast_reportlab():
            for i, (name, build) in enumerate(steps):
                report(0.6 * i / len(steps), name)
                story += build(ctx)
            report(0.6, "Laying out pages")
            doc = ReportDoc(tmp, size, title=title, author="migration-planner",
                            subject="Contract migration plan")
            doc.build(story, canvasmaker=canvas)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, _file_mode(target))
        os.replace(tmp, target)
    except (OSError, LayoutError) as exc:
        raise ReportError(f"cannot write the report {target}: {exc}") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    report(1.0, "Report written")
    return target


def _page_size(name: str) -> tuple[float, float]:
    return page_size(name)


def _file_mode(target: Path) -> int:
    """The mode the report should have: the old file's, else what a plain open() gives
    (mkstemp creates 0600, which would hide the report from colleagues on a share)."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0o022)
        os.umask(mask)
        return 0o666 & ~mask


@contextlib.contextmanager
def _fast_reportlab() -> Iterator[None]:
    """Skip reportlab's per-attribute shape validation (our shapes are built by code, not
    users) and ASCII-85 stream encoding (25% bigger files, slow in pure Python) while the
    report is built; both are process-wide settings, restored afterwards."""
    saved = rl_config.shapeChecking, rl_config.useA85
    rl_config.shapeChecking, rl_config.useA85 = 0, 0
    try:
        yield
    finally:
        rl_config.shapeChecking, rl_config.useA85 = saved
