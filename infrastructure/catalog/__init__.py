"""The catalog file: YAML in and out of the domain's CatalogData (docs/catalog.md)."""

from infrastructure.catalog.yamlfile import dump_catalog, load_catalog, parse_catalog

__all__ = ["dump_catalog", "load_catalog", "parse_catalog"]
