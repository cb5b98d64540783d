"""Flask-Admin views of the panel, one module per concept."""
