"""`qaplan rollover`: check the options, write the next plan period, say what moved."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qaplan.cli.options import AsOfOption, as_of_date, out


def rollover(
    plan: Annotated[Path, typer.Argument(metavar="PLAN.yaml", help="The plan whose period ends.",
                                         show_default=False)],
    period: Annotated[
        str,
        typer.Option("--period", metavar="Y1-Y2", help="The next plan period, e.g. 2027-2032.",
                     show_default=False),
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="NEW.yaml",
                     help="Write the next plan here (default: beside PLAN, named after its id)."),
    ] = None,
    new_id: Annotated[
        str | None,
        typer.Option("--id", metavar="NEW-ID",
                     help="The next plan's id (default: the old id with the period swapped in, "
                     "else with -Y1-Y2 appended)."),
    ] = None,
    as_of: AsOfOption = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace an existing output file; roll over a plan that is "
                     "closed already."),
    ] = False,
) -> None:
    """Write the next plan period, unfinished activities carried over, and close the old plan.

    The next plan has the same criteria and goals; each unfinished activity is carried over
    with a link back (continues: OLD-PLAN-ID/ACTIVITY-ID). The old plan gets one line,
    `closed: <as-of date>`, and nothing else in it changes. An activity is finished when its
    latest state as of --as-of (default: today) is done or cancelled; finished ones stay
    behind.

    Example: qaplan rollover plans/lakarprogrammet.yaml --period 2027-2032
    """
    from qaplan.render.text import printable
    from qaplan.rollover import parse_period
    from qaplan.rollover import rollover as roll
    from qaplan.words import plural

    wanted = parse_period(period)
    day = as_of_date(as_of)
    done = roll(plan, wanted, day, output=output, new_id=new_id, force=force)
    carried = plural(len(done.carried), "unfinished activity", "unfinished activities")
    left = plural(len(done.left), "finished activity", "finished activities")
    lines = [
        f"wrote {done.new_file}: plan {done.new_id}, period {done.period.start}–{done.period.end}",
        (f"carried over {carried} (continues: {done.old_id}/ID): "
         f"{', '.join(m.id for m in done.carried) or '–'}"),
        (f"left behind {left} (done or cancelled as of {day.isoformat()}): "
         f"{', '.join(m.id for m in done.left) or '–'}"),
    ]
    if done.closed is not None:
        lines.append(f"closed {done.old_file}: added `closed: {done.closed.isoformat()}` to its "
                     "plan section; nothing else in it changed")
    else:
        lines.append(f"{done.old_file} was closed already; left as it is")
    out("".join(printable(line) + "\n" for line in lines))
