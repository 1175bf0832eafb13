"""A signature pad: drawn with a finger or a mouse, kept as strokes of (x, y) points.

Strokes, not pixels, go into the encrypted store: small, exact, and redrawn at any size.
"""

from __future__ import annotations

from collections.abc import Callable

import flet as ft
import flet.canvas as cv

Strokes = list[list[list[float]]]


class SignaturePad(ft.Column):
    def __init__(self, strokes: Strokes | None = None, on_change: Callable[[Strokes], None] | None = None, height: float = 160) -> None:
        self.strokes: Strokes = [list(stroke) for stroke in strokes or []]
        self._on_change = on_change or (lambda strokes: None)
        self.canvas = cv.Canvas(shapes=[], expand=True)
        pad = ft.GestureDetector(
            content=ft.Container(
                self.canvas, height=height, border=ft.Border.all(1, ft.Colors.OUTLINE), border_radius=8, bgcolor=ft.Colors.SURFACE_CONTAINER_LOWEST
            ),
            on_pan_start=self._start,
            on_pan_update=self._extend,
            drag_interval=10,
        )
        self.message = ft.Text("", color=ft.Colors.ERROR, size=12, visible=False)
        super().__init__(
            [
                ft.Semantics(content=pad, label="Signature pad", container=True),
                self.message,
                ft.Row([ft.Text("HCP signature"), ft.TextButton(content="Clear signature", on_click=lambda e: self.clear())]),
            ],
            spacing=4,
        )
        self._redraw()

    def _start(self, e: ft.DragStartEvent[ft.GestureDetector]) -> None:
        self.add_point(e.local_position.x, e.local_position.y, new_stroke=True)

    def _extend(self, e: ft.DragUpdateEvent[ft.GestureDetector]) -> None:
        self.add_point(e.local_position.x, e.local_position.y)

    def add_point(self, x: float, y: float, *, new_stroke: bool = False) -> None:
        if new_stroke or not self.strokes:
            self.strokes.append([])
        self.strokes[-1].append([round(x, 1), round(y, 1)])
        self._redraw()
        self._on_change(self.strokes)

    def clear(self) -> None:
        self.strokes = []
        self._redraw()
        self._on_change(self.strokes)

    def show_error(self, message: str | None) -> None:
        """Say beside the pad why it is needed (the form calls this for the "signature" field)."""
        self.message.value, self.message.visible = message or "", bool(message)

    @property
    def signed(self) -> bool:
        return any(len(stroke) > 1 for stroke in self.strokes)

    def _redraw(self) -> None:
        paint = ft.Paint(stroke_width=2.5, style=ft.PaintingStyle.STROKE, color=ft.Colors.ON_SURFACE)
        self.canvas.shapes = [
            cv.Path([cv.Path.MoveTo(*stroke[0]), *(cv.Path.LineTo(*point) for point in stroke[1:])], paint=paint) for stroke in self.strokes if stroke
        ]
