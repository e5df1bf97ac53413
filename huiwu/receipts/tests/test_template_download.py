"""The venue page hands out the venue's own receipt forms, which route back to the venue."""

from huiwu.receipts.documents.importer import import_file


def test_coordinator_downloads_the_venues_templates(client, coordinator, demo_event):
    client.force_login(coordinator)
    page = client.get(f"/manage/{demo_event.slug}/venues/110000/").content.decode()
    assert "/receipt/template.docx" in page and "/admission/" in page
    for fmt, magic in (("docx", b"PK"), ("xlsx", b"PK")):
        resp = client.get(f"/manage/{demo_event.slug}/venues/110000/receipt/template.{fmt}")
        assert resp.status_code == 200 and resp.content[:2] == magic
        assert "attachment" in resp["Content-Disposition"]
        report = import_file(resp.content, f"blank.{fmt}", event=demo_event, dry_run=True)
        assert report["venue"] == "110000"  # the marker names the venue
    assert client.get(f"/manage/{demo_event.slug}/venues/110000/receipt/template.exe").status_code == 404
    assert client.get(f"/manage/{demo_event.slug}/venues/310000/receipt/template.docx").status_code == 404
