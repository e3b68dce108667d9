"""Panel pages of floorplan: one module per page, built per session by :mod:`.server`."""
