"""The dashboard's HTML comes from templates shipped in the package, and everything they print is escaped."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources

from liaison.server.web.compliance_sections import Override, OverridesSection
from liaison.server.web.html import TEMPLATES, fragment

SCRIPT = "<script>alert('owned')</script>"


def test_the_templates_are_package_data_an_installed_wheel_carries() -> None:
    templates = resources.files("liaison.server.web").joinpath("templates")
    for name in ("page.html", "dashboard.html", "sign_in.html", "refused.html", "charts.html", "sections/insights.html"):
        assert templates.joinpath(name).is_file(), name


def test_autoescaping_is_on_for_every_template_and_string() -> None:
    assert TEMPLATES.from_string("{{ text }}").render(text=SCRIPT) == "&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;"
    assert "<script" not in fragment("refused.html", message=SCRIPT, sign_in="/manager/login", nonce="n")


def test_a_findings_phrase_and_justification_are_shown_as_typed_not_run() -> None:
    item = Override(
        override_id="ov-1",
        msl_email="ada@example.org",
        msl_name=f"Ada {SCRIPT}",
        overridden_at=datetime(2026, 5, 1, tzinfo=UTC),
        subject_table="interaction",
        subject_id="int-1",
        justification=SCRIPT,
        findings=[{"phrase": SCRIPT, "rule_id": "SUP-001", "reason": "An unsupported <b>superlative</b>."}],
    )
    html = OverridesSection().html([item])
    assert "<script" not in html and "<b>superlative" not in html
    assert html.count("&lt;script&gt;") == 3 and "An unsupported &lt;b&gt;superlative&lt;/b&gt;." in html
