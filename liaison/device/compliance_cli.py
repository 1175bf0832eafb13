"""`liaison check-text`, `liaison interaction submit`, `liaison overrides`: the compliance review for scripts.

`check-text` needs no store: it runs the non-promotional guard over a text and
exits 1 when anything is flagged, 0 when the text reads as neutral, and 2 when
the rules file cannot be used. No `from __future__ import annotations` here:
typer reads the option types of these nested commands at run time.
"""

import json
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from liaison.core.errors import ComplianceFindings, RulesFileError
from liaison.core.rules.guard import RULES_FILE, Flag, check_text, load_rules

if TYPE_CHECKING:
    from liaison.device.store.store import Store

Opener = Callable[[Path | None], AbstractContextManager["Store"]]
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def register(cli: typer.Typer, opened: Opener, data_dir_option: Any) -> None:
    interaction_cli = next(group.typer_instance for group in cli.registered_groups if group.name == "interaction")
    assert interaction_cli is not None, "the interaction group is registered before this one"

    @cli.command("check-text")
    def check_text_command(
        text: Annotated[str, typer.Argument(metavar="TEXT", help="The text to check, or - to read standard input.")],
        rules: Annotated[Path, typer.Option("--rules", help="A rules file to use instead of the shipped one.")] = RULES_FILE,
        as_json: Annotated[bool, typer.Option("--json", help="Print the flags as JSON.")] = False,
    ) -> None:
        """Flag promotional or off-label-promotional language; exit 1 when anything is flagged."""
        body = sys.stdin.read() if text == "-" else text
        try:
            flags = check_text(body, load_rules(rules))
        except RulesFileError as exc:
            err.print(f"error: {exc}", markup=False)
            raise typer.Exit(2) from None
        if as_json:
            typer.echo(json.dumps([_flag_json(flag) for flag in flags], indent=2))
        else:
            for flag in flags:
                out.print(_flag_text(flag), markup=False)
            if not flags:
                out.print("no promotional language found", markup=False)
        raise typer.Exit(1 if flags else 0)

    @interaction_cli.command("submit")
    def interaction_submit(
        interaction_id: Annotated[str, typer.Argument(metavar="ID")],
        justification: Annotated[
            str | None,
            typer.Option("--justification", help="Why flagged text is appropriate; kept and reported to your manager."),
        ] = None,
        data_dir: data_dir_option = None,
    ) -> None:
        """File a draft interaction after the compliance review; prints its id."""
        from liaison.core.records.models import Interaction

        with opened(data_dir) as store:
            record = store.repository.submit(Interaction, interaction_id, justification=justification)
        out.print(record.id, markup=False)

    @cli.command("overrides")
    def overrides(data_dir: data_dir_option = None) -> None:
        """List justified compliance overrides, newest first: id, when, record, rules, justification."""
        from sqlmodel import col, select

        from liaison.core.records.models import ComplianceOverride

        with opened(data_dir) as store, store.repository.session() as session:
            found = session.exec(
                select(ComplianceOverride).where(col(ComplianceOverride.deleted).is_(False)).order_by(col(ComplianceOverride.overridden_at).desc())
            ).all()
        for item in found:
            rules = ",".join(finding["rule_id"] for finding in item.findings)
            cells = (item.id, item.overridden_at.isoformat(timespec="minutes"), f"{item.subject_table} {item.subject_id}", rules, item.justification)
            typer.echo("\t".join(" ".join(str(cell).split()) for cell in cells))


def kept_as_draft(exc: ComplianceFindings, record_id: str) -> str:
    """What `interaction add --submit` says when the review stops the submit: the draft is safe, and how to go on."""
    return f"{exc}\nkept as draft {record_id}; revise it, or: liaison interaction submit {record_id} --justification TEXT"


def _flag_text(flag: Flag) -> str:
    return (
        f'"{flag.phrase}" at {flag.span[0]}-{flag.span[1]} [{flag.rule_id}, {flag.category.replace("_", " ")}]\n'
        f"  why: {flag.reason}\n"
        f"  instead: {flag.suggestion}"
    )


def _flag_json(flag: Flag) -> dict[str, Any]:
    return {
        "rule_id": flag.rule_id,
        "category": flag.category,
        "phrase": flag.phrase,
        "start": flag.span[0],
        "end": flag.span[1],
        "reason": flag.reason,
        "suggestion": flag.suggestion,
    }
