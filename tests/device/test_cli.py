"""The headless CLI: what scripts, support and tests rely on, including every error path."""

from __future__ import annotations

import json
import os
import resource
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from liaison.core.records.models import Hcp, Interaction
from liaison.device.cli import cli
from liaison.device.store import queries
from liaison.device.store.store import Store
from tests.conftest import PASSPHRASE

runner = CliRunner()


class Liaison:
    """Runs `liaison …` in-process against one data dir, as a user would from a shell."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.env = {"LIAISON_DATA_DIR": str(data_dir), "LIAISON_PASSPHRASE": PASSPHRASE}

    def __call__(self, *args: str, ok: bool = True, **env: str):  # type: ignore[no-untyped-def]
        result = runner.invoke(cli, list(args), env={**self.env, **env})
        if ok:
            assert result.exit_code == 0, f"{args} failed: {result.stdout}{result.stderr}"
        else:
            assert result.exit_code != 0, f"{args} should have failed: {result.stdout}"
        return result

    def counts(self) -> tuple[int, int, int]:
        """HCPs, outbox entries and audit entries: what a half-written command would leave behind."""
        with Store.open(self.data_dir, PASSPHRASE) as store, store.engine.connect() as connection:
            return tuple(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() for table in ("hcp", "outbox", "audit_log"))  # type: ignore[return-value]


@pytest.fixture
def liaison(data_dir: Path) -> Liaison:
    tool = Liaison(data_dir)
    tool("init")
    return tool


def one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one line of error, got: {result.stderr!r}"
    assert lines[0].startswith("error: ")
    return lines[0]


# --- store -------------------------------------------------------------------


def test_init_creates_an_encrypted_store_and_refuses_to_overwrite_it(liaison: Liaison) -> None:
    assert (liaison.data_dir / "liaison.key").exists()
    assert not (liaison.data_dir / "liaison.db").read_bytes().startswith(b"SQLite format 3")
    again = liaison("init", ok=False)
    assert "already holds a Liaison store" in one_line_error(again)


def test_init_refuses_a_short_passphrase(data_dir: Path) -> None:
    result = Liaison(data_dir)("init", ok=False, LIAISON_PASSPHRASE="short")
    assert "passphrase" in one_line_error(result)
    assert not data_dir.exists() or not any(data_dir.iterdir())


def test_a_command_without_a_store_says_how_to_make_one(data_dir: Path) -> None:
    result = Liaison(data_dir)("hcp", "list", ok=False)
    assert "liaison init" in one_line_error(result)


def test_wrong_passphrase_is_one_clear_line(liaison: Liaison) -> None:
    result = liaison("hcp", "list", ok=False, LIAISON_PASSPHRASE="not the passphrase")
    assert "passphrase" in one_line_error(result).lower()


def test_without_a_passphrase_or_a_terminal_it_says_where_to_give_one(liaison: Liaison) -> None:
    result = liaison("hcp", "list", ok=False, LIAISON_PASSPHRASE="")
    assert "LIAISON_PASSPHRASE" in one_line_error(result)


def test_passphrase_change_rewraps_the_key(liaison: Liaison) -> None:
    database = (liaison.data_dir / "liaison.db").read_bytes()
    liaison("passphrase", "change", LIAISON_NEW_PASSPHRASE="a brand new passphrase")
    assert (liaison.data_dir / "liaison.db").read_bytes() == database
    liaison("hcp", "list", ok=False)
    liaison("hcp", "list", LIAISON_PASSPHRASE="a brand new passphrase")


def run_liaison(data_dir: Path, *args: str, limit_file_size: int | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    """`liaison …` in its own process, so whatever reaches the terminal (C libraries included) is what is checked."""

    def limit() -> None:
        if limit_file_size is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_size, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))

    return subprocess.run(
        [sys.executable, "-m", "liaison.device.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit,
        env={**os.environ, "LIAISON_DATA_DIR": str(data_dir), "LIAISON_PASSPHRASE": PASSPHRASE, **env},
    )


def only_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), f"expected one line of error, got: {stderr!r}"
    return lines[0]


def flip_byte(path: Path, offset: int) -> None:
    raw = bytearray(path.read_bytes())
    raw[offset] ^= 0xFF
    path.write_bytes(bytes(raw))


def test_a_damaged_database_page_is_one_line_naming_the_file_and_support(liaison: Liaison) -> None:
    liaison("demo", "--hcps", "30", "--interactions", "10")
    database = liaison.data_dir / "liaison.db"
    with Store.open(liaison.data_dir, PASSPHRASE) as store, store.engine.connect() as connection:
        page = connection.exec_driver_sql("SELECT rootpage FROM sqlite_master WHERE name = 'hcp'").scalar_one()
    flip_byte(database, (page - 1) * 4096 + 512)
    listing = run_liaison(liaison.data_dir, "hcp", "list")
    assert listing.returncode == 1
    line = only_line(listing.stderr)
    assert str(database) in line and "damaged" in line and "support" in line


def test_a_damaged_first_page_is_one_line_at_unlock(liaison: Liaison) -> None:
    flip_byte(liaison.data_dir / "liaison.db", 200)
    listing = run_liaison(liaison.data_dir, "hcp", "list")
    assert listing.returncode == 1 and "damaged" in only_line(listing.stderr)


@pytest.mark.parametrize("memory_cost_kib", [2**40, 2**31, 0, "65536"])
def test_an_absurd_key_derivation_parameter_is_one_line_naming_the_key_file(liaison: Liaison, memory_cost_kib: object) -> None:
    key_file = liaison.data_dir / "liaison.key"
    document = json.loads(key_file.read_text())
    document["kdf"]["memory_cost_kib"] = memory_cost_kib
    key_file.write_text(json.dumps(document))
    line = one_line_error(liaison("hcp", "list", ok=False))
    assert str(key_file) in line and "kdf.memory_cost_kib" in line and "backup" in line


def test_a_truncated_key_file_is_one_line_naming_it(liaison: Liaison) -> None:
    key_file = liaison.data_dir / "liaison.key"
    key_file.write_bytes(key_file.read_bytes()[:100])
    line = one_line_error(liaison("hcp", "list", ok=False))
    assert str(key_file) in line and "backup" in line


def test_passphrase_change_with_the_wrong_current_one_is_one_line_and_leaves_the_key_file(liaison: Liaison) -> None:
    before = (liaison.data_dir / "liaison.key").read_bytes()
    result = liaison("passphrase", "change", ok=False, LIAISON_PASSPHRASE="not the passphrase", LIAISON_NEW_PASSPHRASE="a brand new passphrase")
    assert "wrong passphrase" in one_line_error(result)
    assert (liaison.data_dir / "liaison.key").read_bytes() == before
    assert sorted(path.name for path in liaison.data_dir.iterdir()) == ["liaison.db", "liaison.key"]


def test_passphrase_change_that_cannot_write_is_one_line_and_the_old_passphrase_still_works(liaison: Liaison) -> None:
    before = (liaison.data_dir / "liaison.key").read_bytes()
    changing = run_liaison(liaison.data_dir, "passphrase", "change", limit_file_size=64, LIAISON_NEW_PASSPHRASE="a brand new passphrase")
    assert changing.returncode == 1
    assert "your old passphrase still works" in only_line(changing.stderr)
    assert (liaison.data_dir / "liaison.key").read_bytes() == before
    assert sorted(path.name for path in liaison.data_dir.iterdir()) == ["liaison.db", "liaison.key"]
    liaison("hcp", "list")


@pytest.mark.slow
@pytest.mark.parametrize("after_seconds", [0.05, 0.2, 0.4, 0.6, 0.8, 1.2])
def test_passphrase_change_interrupted_at_any_moment_leaves_one_whole_key_file_and_no_temporary(liaison: Liaison, after_seconds: float) -> None:
    changing = subprocess.Popen(
        [sys.executable, "-m", "liaison.device.cli", "passphrase", "change"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={
            **os.environ,
            "LIAISON_DATA_DIR": str(liaison.data_dir),
            "LIAISON_PASSPHRASE": PASSPHRASE,
            "LIAISON_NEW_PASSPHRASE": "a brand new passphrase",
        },
    )
    time.sleep(after_seconds)
    changing.send_signal(signal.SIGINT)
    changing.communicate(timeout=60)
    assert sorted(path.name for path in liaison.data_dir.iterdir()) == ["liaison.db", "liaison.key"]
    unlocks = [
        phrase
        for phrase in (PASSPHRASE, "a brand new passphrase")
        if runner.invoke(cli, ["hcp", "list"], env={**liaison.env, "LIAISON_PASSPHRASE": phrase}).exit_code == 0
    ]
    assert len(unlocks) == 1, "the old key file or the new one, whole"


# --- HCPs --------------------------------------------------------------------


def test_hcp_add_prints_the_id_and_list_finds_it_by_word_beginnings(liaison: Liaison) -> None:
    hcp_id = liaison("hcp", "add", "--name", "Dr Marie Curie", "--specialty", "Oncology", "--tier", "1").stdout.strip()
    liaison("hcp", "add", "--name", "Dr Louis Pasteur")
    listed = liaison("hcp", "list", "--search", "mar cu").stdout.splitlines()
    assert [line.split("\t")[:2] for line in listed] == [[hcp_id, "Dr Marie Curie"]]


def test_hcp_add_is_a_request_the_list_flags_while_an_imported_hcp_is_master_data(liaison: Liaison, tmp_path: Path) -> None:
    hcp_id = liaison("hcp", "add", "--name", "Dr Marie Curie").stdout.strip()
    liaison("import", "hcps", str(write_csv(tmp_path, "Name\nDr Louis Pasteur\n")))
    listed = {line.split("\t")[1]: line.split("\t") for line in liaison("hcp", "list").stdout.splitlines()}
    assert listed["Dr Marie Curie"][0] == hcp_id and listed["Dr Marie Curie"][-1] == "requested"
    assert len(listed["Dr Louis Pasteur"]) == 5, "an imported HCP is approved: no status column"


def test_hcp_notes_are_capped_like_interaction_notes(liaison: Liaison) -> None:
    before = liaison.counts()
    error = one_line_error(liaison("hcp", "add", "--name", "Dr A", "--notes", "x" * 10_001, ok=False))
    assert "Notes" in error and "10000" in error.replace(",", "")
    assert liaison.counts() == before
    assert liaison("hcp", "add", "--name", "Dr A", "--notes", "x" * 10_000).stdout.strip()


def test_hcp_edit_changes_only_the_fields_given(liaison: Liaison) -> None:
    hcp_id = liaison("hcp", "add", "--name", "Dr Marie Curie", "--specialty", "Oncology").stdout.strip()
    liaison("hcp", "edit", hcp_id, "--institution", "Institut du Radium")
    with Store.open(liaison.data_dir, PASSPHRASE) as store:
        hcp = store.repository.get(Hcp, hcp_id)
    assert (hcp.specialty, hcp.institution) == ("Oncology", "Institut du Radium")


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["hcp", "add", "--name", "Dr A", "--tier", "9"], "error: KOL tier: must be 4 or less"),
        (["hcp", "add", "--name", "   "], "error: Name: must not be blank"),
        (["hcp", "add", "--name", "Dr A", "--npi", "12ab"], "error: NPI: must be 10 digits"),
        (["hcp", "add", "--name", "Dr A", "--country", "Germany"], "error: Country: keep it to 2 characters or fewer (this has 7)"),
        (["hcp", "add", "--name", "Dr A", "--email", "not-an-address"], "error: E-mail: must look like name@example.org"),
        (["hcp", "edit", "01900000-0000-7000-8000-000000000000", "--tier", "2"], "not found"),
    ],
)
def test_bad_hcp_input_names_the_field_and_writes_nothing(liaison: Liaison, args: list[str], named: str) -> None:
    before = liaison.counts()
    assert named in one_line_error(liaison(*args, ok=False))
    assert liaison.counts() == before


def test_a_value_of_the_wrong_type_is_refused_by_name(liaison: Liaison) -> None:
    result = liaison("hcp", "add", "--name", "Dr A", "--tier", "two", ok=False)
    assert result.exit_code == 2
    assert "--tier" in result.stderr


def test_a_missing_required_option_is_named(liaison: Liaison) -> None:
    result = liaison("hcp", "add", ok=False)
    assert result.exit_code == 2
    assert "--name" in result.stderr


def test_hcp_edit_without_any_field_is_refused(liaison: Liaison) -> None:
    hcp_id = liaison("hcp", "add", "--name", "Dr A").stdout.strip()
    assert "at least one field" in one_line_error(liaison("hcp", "edit", hcp_id, ok=False))


def test_hcp_add_takes_repeated_contacts_and_the_profile_lists(liaison: Liaison) -> None:
    hcp_id = liaison(
        "hcp", "add", "--name", "Dr Ana Sousa",
        "--email", "ana@santamaria.example", "--email", "ana@uni.example",
        "--phone", "+351 21 780 5000",
        "--specialty", "Cardiology", "--specialty", "Heart failure",
        "--address", "Av. Prof. Egas Moniz, Lisboa",
        "--affiliation", "Hospital de Santa Maria | Cardiology | Consultant",
        "--affiliation", "Universidade de Lisboa",
        "--publication", "Empagliflozin in HFpEF | NEJM | 2021 | 10.1056/NEJMoa2107038",
        "--trial", "EMPEROR-Preserved | Sub-investigator",
        "--consent",
    ).stdout.strip()  # fmt: skip
    with Store.open(liaison.data_dir, PASSPHRASE) as store:
        hcp = store.repository.get(Hcp, hcp_id)
    assert (hcp.email, hcp.other_emails, hcp.phone, hcp.other_phones) == ("ana@santamaria.example", ["ana@uni.example"], "+351 21 780 5000", [])
    assert (hcp.specialty, hcp.specialties, hcp.address) == ("Cardiology", ["Heart failure"], "Av. Prof. Egas Moniz, Lisboa")
    assert [item["institution"] for item in hcp.affiliations] == ["Hospital de Santa Maria", "Universidade de Lisboa"]
    assert hcp.affiliations[0]["role"] == "Consultant" and hcp.affiliations[1]["role"] is None
    assert hcp.publications == [{"title": "Empagliflozin in HFpEF", "journal": "NEJM", "year": 2021, "doi": "10.1056/NEJMoa2107038", "pmid": None}]
    assert hcp.trials == [{"study": "EMPEROR-Preserved", "role": "Sub-investigator", "trial_site_id": None}]
    assert hcp.contact_consent and hcp.consent_recorded_at is not None


def test_hcp_edit_replaces_a_list_given_keeps_the_others_and_records_a_withdrawal(liaison: Liaison) -> None:
    hcp_id = liaison("hcp", "add", "--name", "Dr Ana Sousa", "--email", "a@x.example", "--affiliation", "Santa Maria", "--consent").stdout.strip()
    with Store.open(liaison.data_dir, PASSPHRASE) as store:
        given = store.repository.get(Hcp, hcp_id).consent_recorded_at
    edited = liaison("hcp", "edit", hcp_id, "--email", "b@x.example", "--email", "c@x.example", "--no-consent")
    assert edited.stdout.strip() == hcp_id
    with Store.open(liaison.data_dir, PASSPHRASE) as store:
        hcp = store.repository.get(Hcp, hcp_id)
    assert (hcp.email, hcp.other_emails, [item["institution"] for item in hcp.affiliations]) == ("b@x.example", ["c@x.example"], ["Santa Maria"])
    assert not hcp.contact_consent and given is not None and hcp.consent_recorded_at is not None and hcp.consent_recorded_at > given


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--affiliation", " | Cardiology"], "affiliation"),
        (["--publication", "Only a title"], "publication"),
        (["--publication", "T | J | 1700"], "Publications 1, year"),
        (["--trial", "Study | Role | site | extra"], "trial"),
        (["--email", "a@x.example", "--email", "not-an-address"], "Other emails: not-an-address"),
        (["--phone", "+44 1", "--phone", "ring ring"], "Other phones: ring ring"),
    ],
)
def test_a_bad_list_entry_is_one_line_naming_it_and_writes_nothing(liaison: Liaison, args: list[str], named: str) -> None:
    before = liaison.counts()
    result = liaison("hcp", "add", "--name", "Dr A", *args, ok=False)
    assert result.exit_code == 1 and named in one_line_error(result)
    assert liaison.counts() == before


# --- interactions ------------------------------------------------------------


def test_interaction_add_and_submit_then_list(liaison: Liaison) -> None:
    hcp_id = liaison("hcp", "add", "--name", "Dr Marie Curie", "--consent").stdout.strip()
    interaction_id = liaison(
        "interaction",
        "add",
        "--hcp",
        hcp_id,
        "--notes",
        "Discussed the mechanism of action",
        "--channel",
        "virtual",
        "--topic",
        "MoA",
        "--product",
        "zentrolimab",
        "--submit",
    ).stdout.strip()
    with Store.open(liaison.data_dir, PASSPHRASE) as store:
        interaction = store.repository.get(Interaction, interaction_id)
    assert (interaction.status, interaction.channel, interaction.topics) == ("submitted", "virtual", ["MoA"])
    listed = liaison("interaction", "list", "--hcp", hcp_id).stdout.splitlines()
    assert listed[0].split("\t")[0] == interaction_id
    assert "Discussed the mechanism of action" in listed[0]


def test_interaction_with_an_unknown_hcp_names_the_field(liaison: Liaison) -> None:
    before = liaison.counts()
    error = one_line_error(liaison("interaction", "add", "--hcp", "no-such-hcp", "--notes", "x", ok=False))
    assert "hcp_id" in error
    assert liaison.counts() == before


def test_interaction_with_an_unknown_channel_is_refused(liaison: Liaison) -> None:
    result = liaison("interaction", "add", "--hcp", "x", "--notes", "x", "--channel", "fax", ok=False)
    assert result.exit_code == 2
    assert "--channel" in result.stderr


# --- import ------------------------------------------------------------------


def write_csv(tmp_path: Path, content: str, name: str = "territory.csv") -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_import_hcps_brings_in_every_row(liaison: Liaison, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "Name,Specialty,Institution,KOL tier,Therapeutic areas,NPI,Contact consent\n"
        "Dr Ada Lovelace,Cardiology,Northbridge,2,Cardiometabolic;Rare disease,1234567890,yes\n"
        'Dr Grace Hopper,"Oncology, medical",Eastfield,,,,no\n',
    )
    assert "imported 2 HCPs" in liaison("import", "hcps", str(path)).stdout
    with Store.open(liaison.data_dir, PASSPHRASE) as store, store.repository.session() as session:
        found = queries.search_hcps(session, queries.HcpFilter(search="ada"))
    assert [(hcp.kol_tier, hcp.therapeutic_areas, hcp.contact_consent) for hcp in found] == [(2, ["Cardiometabolic", "Rare disease"], True)]


def test_import_takes_further_contacts_and_specialties_and_stamps_the_consent(liaison: Liaison, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "Name,Email,Other emails,Specialties,Address,Contact consent\n"
        'Dr Ada Lovelace,ada@north.example,ada@uni.example;a.l@home.example,Heart failure,"1 Analytical Way, Northbridge",yes\n',
    )
    liaison("import", "hcps", str(path))
    with Store.open(liaison.data_dir, PASSPHRASE) as store, store.repository.session() as session:
        [hcp] = queries.search_hcps(session, queries.HcpFilter(search="ada"))
    assert (hcp.email, hcp.other_emails, hcp.specialties) == ("ada@north.example", ["ada@uni.example", "a.l@home.example"], ["Heart failure"])
    assert hcp.address == "1 Analytical Way, Northbridge" and hcp.contact_consent and hcp.consent_recorded_at is not None


def test_import_of_a_malformed_csv_lists_every_bad_row_and_imports_nothing(liaison: Liaison, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "name,specialty,tier,npi\nDr Good Row,Cardiology,1,1111111111\nDr Bad Tier,Cardiology,high,\n,Oncology,2,\nDr Bad Npi,Oncology,3,12\n",
    )
    before = liaison.counts()
    result = liaison("import", "hcps", str(path), ok=False)
    assert "3 bad row(s); nothing was imported" in result.stderr
    assert "line 3: KOL tier: use a whole number, like 12" in result.stderr
    assert "line 4: Name: please fill this in" in result.stderr
    assert "line 5: NPI: must be 10 digits" in result.stderr
    assert liaison.counts() == before


def test_import_refuses_a_row_with_too_many_values(liaison: Liaison, tmp_path: Path) -> None:
    path = write_csv(tmp_path, "name,specialty\nDr A,Cardiology\nDr B,Cardiology,extra\n")
    result = liaison("import", "hcps", str(path), ok=False)
    assert "line 3: has 3 values but the header has 2 columns" in result.stderr
    assert liaison.counts()[0] == 0


def test_import_refuses_hcps_already_in_the_directory(liaison: Liaison, tmp_path: Path) -> None:
    path = write_csv(tmp_path, "name,npi\nDr A,1234567890\n")
    liaison("import", "hcps", str(path))
    again = liaison("import", "hcps", str(path), ok=False)
    assert "line 2: npi: 1234567890 is already in the directory" in again.stderr
    assert liaison.counts()[0] == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"name,favourite colour\nDr A,blue\n", "'favourite colour' is not an HCP field"),
        (b"specialty\nCardiology\n", "no 'name' column"),
        (b"name\n", "no HCP rows"),
        ("name\nDr Müller\n".encode("latin-1"), "not UTF-8"),
    ],
)
def test_import_names_what_is_wrong_with_the_file(liaison: Liaison, tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    assert message in one_line_error(liaison("import", "hcps", str(path), ok=False))
    assert liaison.counts()[0] == 0


def test_import_of_a_missing_file_names_it(liaison: Liaison, tmp_path: Path) -> None:
    assert "no such file" in one_line_error(liaison("import", "hcps", str(tmp_path / "nope.csv"), ok=False))


# --- export, demo, audit -----------------------------------------------------


def test_demo_then_export_writes_every_record_one_a_line(liaison: Liaison, tmp_path: Path) -> None:
    summary = liaison("demo", "--hcps", "30", "--interactions", "60").stdout
    assert "30 hcp" in summary and "60 interaction" in summary
    out = tmp_path / "export.jsonl"
    liaison("export", "--out", str(out))
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    tables = {line["table"] for line in lines}
    assert {"hcp", "interaction", "medical_inquiry", "adverse_event", "insight", "content_item"} <= tables
    assert sum(line["table"] == "hcp" for line in lines) == 30
    assert len({line["id"] for line in lines}) == len(lines)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_export_as_csv_has_a_header_and_one_row_per_record(liaison: Liaison) -> None:
    liaison("hcp", "add", "--name", "Dr Marie Curie")
    rows = liaison("export", "--format", "csv").stdout.splitlines()
    assert rows[0] == "table,id,created_at,updated_at,created_by,device_id,deleted,data"
    assert len(rows) == 2 and "Dr Marie Curie" in rows[1]


def test_verify_audit_passes_then_names_the_first_tampered_entry(liaison: Liaison) -> None:
    liaison("demo", "--hcps", "5", "--interactions", "5")
    assert "audit chain intact" in liaison("verify-audit").stdout
    with Store.open(liaison.data_dir, PASSPHRASE) as store, store.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET actor = 'someone else' WHERE seq = 3"))
    assert "broken at entry 3" in one_line_error(liaison("verify-audit", ok=False))


def test_the_data_dir_is_the_profiles_then_a_flet_bundles_then_the_platforms(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from liaison.device.config import Settings
    from liaison.device.data_dir import default_data_dir

    monkeypatch.setenv("FLET_APP_STORAGE_DATA", str(tmp_path / "bundle"))
    assert default_data_dir(Settings(data_dir=str(tmp_path / "chosen-by-it"))) == tmp_path / "chosen-by-it"
    assert default_data_dir(Settings()) == tmp_path / "bundle" / "liaison"
    monkeypatch.delenv("FLET_APP_STORAGE_DATA")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr("sys.platform", "linux")
    assert default_data_dir(Settings()) == tmp_path / "xdg" / "Liaison", "platformdirs' place (see tests/device/test_data_dir.py)"


def test_every_problem_with_an_interaction_is_listed_one_line_each_in_plain_words(liaison: Liaison) -> None:
    before = liaison.counts()
    result = liaison("interaction", "add", "--hcp", "h1", "--notes", "x" * 10_001, "--therapeutic-area", "y" * 81, ok=False)
    assert result.stderr.strip().splitlines() == [
        "error: Therapeutic area: keep it to 80 characters or fewer (this has 81)",
        "error: Notes: keep it to 10,000 characters or fewer (this has 10,001)",
    ]
    assert liaison.counts() == before
