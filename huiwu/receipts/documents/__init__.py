"""Receipt documents: safe reading of filed .docx/.xlsx/.csv (and legacy formats), templates, import."""
