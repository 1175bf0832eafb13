"""Anchoring this device's audit chain on the server at every sync, and checking the chain against that anchor.

`send` runs at the end of each round: it sends the links the server lacks,
starting again from the last one it holds (so every round re-checks the
anchor), and keeps the anchor the server confirms while no break is recorded
(after one, the kept copy stays at the last anchor that held, so an offline
check keeps failing as the server's does). When the server has just
found a break, the device looks for the first entry that differs from the
anchor and sends that link again, so the server itself can name the first
rewritten entry rather than only the anchor that no longer holds. `verify` compares the chain
with the server's anchor when the server can be asked, and with that kept copy
when it cannot, and says which it used.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx

from liaison.core.protocol import MAX_ANCHOR_LINKS, AnchorRequest, AnchorState, AuditLink
from liaison.device.store import anchor
from liaison.device.store.anchor import AnchorCheck
from liaison.device.store.models import SyncState
from liaison.device.store.store import Store
from liaison.device.sync.api import SyncApi
from liaison.device.sync.errors import NotOffered, SyncError

LINKS_PAGE = 1000


def send(store: Store, api: SyncApi, server_url: str, batch: int = MAX_ANCHOR_LINKS) -> AnchorState | None:
    """Anchor what the server lacks; None from a server that keeps no anchors. Breaks come back in the state, never as an error."""
    with store.repository.session() as session:
        head = anchor.head_seq(session)
        kept = anchor.kept(session)
    start = max(1, min(kept.seq if kept else 1, head))
    answer: AnchorState | None = None
    while True:
        with store.repository.session() as session:
            links = anchor.links_from(session, start, batch)
        try:
            answer = api.anchor(AnchorRequest(head_seq=head, links=links))
        except NotOffered:
            return None
        if answer.head_hash is not None and not answer.breaks:
            anchor.keep(store.engine, answer.head_seq, answer.head_hash, server_url)
        if len(links) < batch:
            return _point_out_first_break(store, api, answer, head) if answer.recorded else answer
        start = links[-1].seq  # the next batch starts on this one's last link


def _point_out_first_break(store: Store, api: SyncApi, answer: AnchorState, head: int) -> AnchorState:
    """Show the server the first entry that differs from its anchor (and the one before), for it to compare itself."""
    with store.repository.session() as session:
        first = anchor.against_links(session, _pages(api), anchor.SERVER, answer.head_seq).first_broken
        if first is None:
            return answer
        links = [link for link in anchor.links_from(session, max(1, first - 1), 2) if link.seq <= first]
    return api.anchor(AnchorRequest(head_seq=head, links=links)) if links else answer


def verify(store: Store, *, transport: httpx.BaseTransport | None = None) -> AnchorCheck:
    """Compare the (already verified) local chain with its anchor: the server's if reachable, else the kept copy."""
    with store.repository.session() as session:
        state = session.get(SyncState, 1)
    if state is None:
        return AnchorCheck(None, 0, note="this device is not enrolled, so nothing anchors its audit log")
    try:
        with SyncApi(state.server_url, state.token, transport=transport) as api:
            return _against_server(store, api)
    except SyncError as error:
        with store.repository.session() as session:
            kept = anchor.kept(session)
            if kept is None:
                return AnchorCheck(None, 0, note=f"the server could not be asked ({error}) and this device keeps no anchor yet")
            return anchor.against_head(session, kept.seq, kept.hash, anchor.KEPT_COPY, note=f"the server could not be asked: {error}")


def _against_server(store: Store, api: SyncApi) -> AnchorCheck:
    held = api.anchor_state()
    with store.repository.session() as session:
        quick = anchor.against_head(session, held.head_seq, held.head_hash, anchor.SERVER)
        if quick.intact and not held.breaks:
            return quick
        full = anchor.against_links(session, _pages(api), anchor.SERVER, held.head_seq)
    if not full.intact:
        return full
    first = held.breaks[0]
    return AnchorCheck(anchor.SERVER, held.head_seq, first.seq, f"the server recorded a break on {first.detected_at[:16]}: {first.reason}")


def _pages(api: SyncApi) -> Iterator[list[AuditLink]]:
    after = 0
    while True:
        page = api.anchored_links(after, LINKS_PAGE)
        yield page.links
        if not page.more or not page.links:
            return
        after = page.links[-1].seq
