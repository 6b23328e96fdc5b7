"""The web app: SPARQL endpoint, validation, pages. Built by :func:`plangraph.web.app.create_app`."""
