"""`liaison check-text`, `interaction submit --justification`, `overrides`: the compliance review from a shell."""

from __future__ import annotations

import json
from pathlib import Path

from sqlmodel import select
from typer.testing import CliRunner

from liaison.core.records.models import ComplianceOverride, Interaction
from liaison.device.cli import cli
from liaison.device.store.queries import interactions
from liaison.device.store.store import Store
from tests.conftest import PASSPHRASE
from tests.device.test_cli import Liaison, liaison  # noqa: F401  (the fixture)

runner = CliRunner()
PROMOTIONAL = "Zentrolimab is the best option; you should prescribe it first-line."
WHY = "HCP's own words at the tumour board, recorded verbatim for context."


def check(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(cli, ["check-text", *args], input=stdin)


def test_promotional_text_prints_each_flag_with_rule_reason_and_suggestion_and_exits_1() -> None:
    result = check(PROMOTIONAL)
    assert result.exit_code == 1
    assert '"best"' in result.stdout and "SUP-001" in result.stdout
    assert "why: " in result.stdout and "instead: " in result.stdout
    assert "you should prescribe" in result.stdout


def test_neutral_scientific_text_passes_with_exit_0() -> None:
    result = check("The phase 3 trial met its primary endpoint of PFS (HR 0.62).")
    assert result.exit_code == 0 and "no promotional language found" in result.stdout


def test_a_dash_reads_the_text_from_standard_input() -> None:
    assert check("-", stdin="Cardiostatin is the safest statin.\n").exit_code == 1
    assert check("-", stdin="Event-free survival at 3 years was 68%.\n").exit_code == 0


def test_json_output_serves_scripts() -> None:
    result = check("--json", PROMOTIONAL)
    flags = json.loads(result.stdout)
    assert result.exit_code == 1 and {"rule_id", "category", "phrase", "start", "end", "reason", "suggestion"} == set(flags[0])
    assert PROMOTIONAL[flags[0]["start"] : flags[0]["end"]] == flags[0]["phrase"]


def test_an_unusable_rules_file_is_one_line_naming_it_with_exit_2(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text("[[rule]]\nid = 'X-1'\ncategory = 'superlative'\npattern = '(best'\nreason = 'r.'\nsuggestion = 's'\n")
    result = check("--rules", str(rules), "best")
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {rules}: rule X-1 (line 1)")


def test_submit_refuses_flagged_text_without_a_justification_then_files_it_with_one(liaison: Liaison) -> None:  # noqa: F811
    hcp_id = liaison("hcp", "add", "--name", "Dr Marie Curie", "--consent").stdout.strip()
    refused = liaison("interaction", "add", "--hcp", hcp_id, "--notes", PROMOTIONAL, "--submit", ok=False)
    assert refused.exit_code == 1 and "SUP-001" in refused.stderr
    draft_id = refused.stderr.strip().splitlines()[-1].split("kept as draft ")[1].split(";")[0]
    with Store.open(liaison.data_dir, PASSPHRASE) as store:
        assert store.repository.get(Interaction, draft_id).status == "draft", "what was typed is kept"
    assert "Justification:" in liaison("interaction", "submit", draft_id, "--justification", "too short", ok=False).stderr
    assert liaison("interaction", "submit", draft_id, "--justification", WHY).stdout.strip() == draft_id
    with Store.open(liaison.data_dir, PASSPHRASE) as store:
        assert store.repository.get(Interaction, draft_id).status == "submitted"
    [line] = liaison("overrides").stdout.splitlines()
    assert f"interaction {draft_id}" in line and "SUP-001" in line and WHY in line


def test_a_proactive_off_label_discussion_is_refused_whatever_the_justification(liaison: Liaison) -> None:  # noqa: F811
    hcp_id = liaison("hcp", "add", "--name", "Dr Marie Curie", "--consent").stdout.strip()
    refused = liaison(
        "interaction", "add", "--hcp", hcp_id, "--notes", "Off-label question", "--off-label", "--submit", "--justification", WHY, ok=False
    )
    assert "OFFLABEL-001" in refused.stderr and "never allowed" in refused.stderr
    with Store.open(liaison.data_dir, PASSPHRASE) as store:
        assert not any(item.status == "submitted" for item in _interactions(store))
        assert _overrides(store) == []


def _interactions(store: Store) -> list[Interaction]:
    with store.repository.session() as session:
        return interactions(session)


def _overrides(store: Store) -> list[ComplianceOverride]:
    with store.repository.session() as session:
        return list(session.exec(select(ComplianceOverride)).all())
