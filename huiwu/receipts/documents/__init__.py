"""Receipt documents: safe reading of filed .docx/.xlsx/.csv (and legacy formats), templates, import.

Entry points (import them from their modules; this package imports nothing at load time):

- `templates.render_template(venue, fmt, unit=None) -> bytes` (fmt "docx" | "xlsx"), with
  `templates.template_filename(venue, fmt, unit)` and `templates.CONTENT_TYPES[fmt]` for a download.
- `importer.import_file(path_or_bytes, filename, *, event, venue=None, actor=None, channel="upload",
  dry_run=False, accept_partial=False, unit=None) -> dict` — PRODUCT.md's per-file report;
  `importer.import_files([(filename, bytes), ...], event=..., ...) -> {"files": [...]}` for many at once.
- `reader.read_document(bytes, filename) -> model.Parsed` and `extract.extract(parsed)`: the pure
  reading layer (no database); `safety.UnsafeFile.message` says why a file was refused.
"""
