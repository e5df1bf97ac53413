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
