"""One module per destination; each exposes `build(ctx, **kwargs) -> ft.Control`."""
