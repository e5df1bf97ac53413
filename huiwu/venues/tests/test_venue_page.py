"""What the venue page tells its coordinator about approval and the venue's code."""


def test_no_approval_warning_when_the_notice_asks_none(client, coordinator, demo_event):
    """A branch venue of an event that needs no local approval is not shown 未报批 as a warning."""
    client.force_login(coordinator)
    url = f"/manage/{demo_event.slug}/venues/110000/"
    card = client.get(url).content.decode().split('id="approval"', 1)[1].split("</dl>", 1)[0]
    assert "未报批" in card and 'class="warn"' in card  # the demo event asks local approval
    demo_event.approval_required = False
    demo_event.save(update_fields=["approval_required"])
    card = client.get(url).content.decode().split('id="approval"', 1)[1].split("</dl>", 1)[0]
    assert "无需报批" in card and "未报批" not in card and 'class="warn"' not in card


def test_the_main_venues_internal_code_is_not_shown(client, organizer, demo_event):
    """`main` is the main venue's code for links and the API; people see the venue's name only."""
    client.force_login(organizer)
    for url in (f"/manage/{demo_event.slug}/venues/main/", f"/manage/{demo_event.slug}/venues/main/edit/"):
        heading = client.get(url).content.decode().split("<h1>", 1)[1].split("</h1>", 1)[0]
        assert "main" not in heading, url
    heading = client.get(f"/manage/{demo_event.slug}/venues/110000/").content.decode().split("<h1>", 1)[1]
    assert '<small class="meta">110000</small>' in heading.split("</h1>", 1)[0]
    row = client.get(f"/manage/{demo_event.slug}/").content.decode().split('data-code="main">', 1)[1].split("</tr>", 1)[0]
    assert row.startswith('<td data-label="代码"></td>')
