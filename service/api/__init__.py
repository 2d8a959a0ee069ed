"""HTTP layer: thin Flask blueprints over service.operations."""
