"""The demo carries the medical plan end to end: its server publishes the example plan, the demo MSL's records are
tagged with its items, and after a sync the manager's Medical plan section has numbers to show."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from liaison.core.records.models import Insight, Interaction
from liaison.device.domain.demo import DemoSize, content_items, example_plan, populate
from liaison.device.store import medical_plan as plan_queries
from liaison.device.store.store import Store
from liaison.device.sync.engine import SyncEngine
from liaison.server import medical_plan
from liaison.server.embedded import EmbeddedServer
from liaison.server.models import User
from liaison.server.reports.periods import ReportParams
from liaison.server.reports.plan_coverage import plan_coverage


def tagged(store: Store) -> tuple[list[Interaction], list[Insight]]:
    with store.repository.session() as session:
        return (
            [item for item in session.exec(select(Interaction)).all() if item.plan_items],
            [item for item in session.exec(select(Insight)).all() if item.plan_items],
        )


def test_an_offline_demo_store_holds_the_example_plan_and_records_tagged_with_its_items_of_their_area(store: Store) -> None:
    populate(store.repository, DemoSize(hcps=40, interactions=80))
    with store.repository.session() as session:
        plan = plan_queries.current_plan(session)
    assert plan is not None and plan.version == 1
    interactions, insights = tagged(store)
    assert len(interactions) > 20 and insights
    assert all(plan.item(code) and plan.item(code).concerns(item.therapeutic_area) for item in interactions for code in item.plan_items)  # type: ignore[union-attr]
    assert all(plan.item(code).kind == "listening_priority" for item in insights for code in item.plan_items)  # type: ignore[union-attr]


def test_the_demo_servers_plan_reaches_the_msl_and_the_tagged_records_fill_the_managers_section(server: EmbeddedServer, store: Store) -> None:
    server.publish_content(content_items(date.today()))
    server.publish_plan(example_plan()["document"])
    server.create_user("demo.manager@example.org", "Demo Manager", role="manager")
    code = server.create_user("demo.msl@example.org", "Demo MSL", territory="north-east", manager_email="demo.manager@example.org")
    engine = SyncEngine(store)
    engine.enroll(server.url, code, "demo laptop")
    engine.run_once()
    populate(store.repository, DemoSize(hcps=40, interactions=80), content=False, territory="north-east")
    engine.run_once()

    with Session(server.engine) as session:
        manager = session.exec(select(User).where(User.email == "demo.manager@example.org")).one()
        coverage = plan_coverage(session, manager, medical_plan.current(session), ReportParams(period="month", periods=12))
    assert coverage.plan_version == 1 and coverage.regions == ["north-east"]
    assert sum(item.total("interaction") for item in coverage.items) > 0
    assert sum(item.total("insight") for item in coverage.items) > 0
    assert coverage.without_insights, "a few listening priorities and imperatives have no insight yet"
