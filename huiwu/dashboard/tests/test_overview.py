from huiwu.venues.models import Venue


def test_overview_lists_every_venue(client, organizer, demo_event):
    client.force_login(organizer)
    body = client.get(f"/manage/{demo_event.slug}/").content.decode()
    assert body.count('data-code="') == 38
    assert "新疆生产建设兵团分会场" in body and "0/30" in body


def test_overview_query_count_does_not_grow_with_venues(client, organizer, demo_event, count_queries):
    client.force_login(organizer)
    url = f"/manage/{demo_event.slug}/"
    client.get(url)
    with count_queries() as small:
        assert client.get(url).status_code == 200
    Venue.objects.bulk_create([
        Venue(event=demo_event, kind="branch", code=f"{900000 + i}", name=f"测试会场{i}", capacity=30, order=100 + i)
        for i in range(3000 - 37)
    ])
    with count_queries() as big:
        body = client.get(url).content.decode()
    assert body.count('data-code="') == 3001
    assert len(big) == len(small), [q["sql"] for q in big.captured_queries]


def test_public_notice_page(client, demo_event):
    body = client.get(f"/e/{demo_event.slug}/").content.decode()
    assert "教育部机关北楼二层报告厅" in body and "教职成厅函〔2021〕24号" in body and "请提前 15 分钟入位" in body


def test_create_branches_action(client, organizer, demo_event):
    demo_event.venues.filter(kind="branch").delete()
    client.force_login(organizer)
    assert "新建全国37个分会场" in client.get(f"/manage/{demo_event.slug}/").content.decode()
    client.post(f"/manage/{demo_event.slug}/branches/", {"capacity": "30"})
    assert demo_event.venues.filter(kind="branch").count() == 37


def test_the_national_branches_are_offered_only_to_an_event_without_branch_venues(client, organizer, demo_event):
    """A provincial event with its own few branch venues is not offered the 37 national ones (a trap:
    one click added 37 provinces to a meeting of one province's cities)."""
    demo_event.venues.filter(kind="branch").exclude(code__in=["110000", "120000"]).delete()
    client.force_login(organizer)
    body = client.get(f"/manage/{demo_event.slug}/").content.decode()
    assert 'id="national-branches"' not in body and "分会场管理" in body


def test_public_notice_offers_each_venues_receipt_forms(client, demo_event):
    from huiwu.receipts.documents.importer import import_file

    body = client.get(f"/e/{demo_event.slug}/").content.decode()
    assert f"/e/{demo_event.slug}/templates/main.docx" in body and 'value="660000"' in body
    resp = client.get(f"/e/{demo_event.slug}/templates/350200.xlsx")
    assert resp.status_code == 200 and resp.content[:2] == b"PK"
    assert import_file(resp.content, "blank.xlsx", event=demo_event, dry_run=True)["venue"] == "350200"
    assert client.get(f"/e/{demo_event.slug}/templates/999999.docx").status_code == 404
    assert client.get(f"/e/{demo_event.slug}/templates/main.pdf").status_code == 404


def test_attachment_picker_redirects_to_the_form(client, demo_event):
    resp = client.get(f"/e/{demo_event.slug}/", {"code": "440300", "fmt": "docx"})
    assert resp.status_code == 302 and resp["Location"].endswith("/templates/440300.docx")


def _with_column(column, client, organizer, event, count_queries, monkeypatch):
    """The overview's queries without and with `column` added, and the page with it."""
    from huiwu.dashboard import overview

    client.force_login(organizer)
    url = f"/manage/{event.slug}/"
    client.get(url)
    with count_queries() as before:
        client.get(url)
    monkeypatch.setattr(overview, "COLUMNS", [*overview.COLUMNS, column])
    monkeypatch.setattr("huiwu.dashboard.views.COLUMNS", overview.COLUMNS)
    with count_queries() as after:
        body = client.get(url).content.decode()
    return before, after, body


def test_a_domain_adds_a_column_with_one_query(client, organizer, demo_event, count_queries, monkeypatch):
    from huiwu.dashboard import overview

    def load(event, rows):
        for venue_id, code in Venue.objects.filter(event=event).values_list("id", "code"):
            rows[venue_id].extra["probe"] = f"<{code}>"

    column = overview.Column("probe", lambda: "探针", lambda r, c: r.extra["probe"], load=load)
    before, after, body = _with_column(column, client, organizer, demo_event, count_queries, monkeypatch)
    assert "<th>探针</th>" in body and 'data-label="探针">&lt;660000&gt;</td>' in body  # escaped
    assert len(after) == len(before) + 1


def test_names_are_escaped(client, organizer, demo_event):
    demo_event.venues.filter(code="110000").update(name="<b>北京</b>")
    client.force_login(organizer)
    body = client.get(f"/manage/{demo_event.slug}/").content.decode()
    assert "&lt;b&gt;北京&lt;/b&gt;" in body and "<b>北京</b>" not in body


def test_a_column_of_fields_reads_with_the_venues_query(client, organizer, demo_event, count_queries, monkeypatch):
    """Values of a venue's one-to-one rows or a per-venue subquery cost no query of their own; a value
    named like a row attribute lands on it, others in `extra`."""
    from django.db.models import Count, F, OuterRef, Subquery

    from huiwu.dashboard import overview
    from huiwu.receipts.models import Attendee

    people = Attendee.objects.filter(venue_id=OuterRef("pk")).order_by().values("venue_id").annotate(n=Count("id"))
    column = overview.Column("probe", lambda: "探针", lambda r, c: f"{r.extra['host']}|{r.extra['people']}",
                             fields=lambda: {"host": F("host_unit__name"), "people": Subquery(people.values("n")),
                                             "tech": F("code")})
    before, after, body = _with_column(column, client, organizer, demo_event, count_queries, monkeypatch)
    assert len(after) == len(before)
    bj = Venue.objects.select_related("host_unit").get(event=demo_event, code="110000")
    row = body.split('data-code="110000"', 1)[1].split("</tr>", 1)[0]
    assert f'data-label="探针">{bj.host_unit.name}|None</td>' in row
    assert {r.code: r.tech for r in overview.overview_rows(demo_event, [column])}["110000"] == "110000"


def test_the_action_bar_reaches_duplicates_rehearsals_and_check_in(client, organizer, demo_event):
    """A first-time organizer found no way from the overview to the duplicates report, the rehearsal
    schedule and board, or the door page: each is a button beside 分会场管理, and each answers."""
    client.force_login(organizer)
    body = client.get(f"/manage/{demo_event.slug}/").content.decode()
    bar = body.split('id="lifecycle"', 1)[1].split("</div>", 1)[0]
    slug = demo_event.slug
    for link in (f"/manage/{slug}/duplicates/", f"/manage/{slug}/rehearsal/schedule/", f"/manage/{slug}/rehearsal/",
                 f"/checkin/{slug}/board/", f"/checkin/{slug}/door/main/"):
        assert f'href="{link}"' in bar, link
        assert client.get(link).status_code == 200, link


def test_the_approval_column_says_none_is_needed_when_the_event_asks_none(client, organizer, demo_event):
    client.force_login(organizer)
    url = f"/manage/{demo_event.slug}/"
    row = client.get(url).content.decode().split('data-code="110000"', 1)[1].split("</tr>", 1)[0]
    assert '<span class="warn">未报批</span>' in row
    demo_event.approval_required = False
    demo_event.save(update_fields=["approval_required"])
    row = client.get(url).content.decode().split('data-code="110000"', 1)[1].split("</tr>", 1)[0]
    assert '<span class="muted">无需报批</span>' in row and "未报批" not in row.replace("无需报批", "")


def test_no_reminders_on_a_draft(client, organizer, demo_event):
    """A draft's venues cannot be invited or file: the button waits for publishing, and a POST is
    refused with a message saying so (it answered 已向 0 个… and asked for invitation links)."""
    from huiwu.receipts.models import OutboxMail

    demo_event.status = "draft"
    demo_event.save(update_fields=["status"])
    client.force_login(organizer)
    url = f"/manage/{demo_event.slug}/"
    form = client.get(url).content.decode().split('id="remind-form"', 1)[1].split("</form>", 1)[0]
    assert "disabled" in form and "发布会议后才能发送回执提醒" in form
    mails = OutboxMail.objects.count()
    body = client.post(f"{url}remind/", follow=True).content.decode()
    assert OutboxMail.objects.count() == mails
    assert "会议尚未发布，不能发送回执提醒邮件" in body and "已向 0" not in body and "生成邀请链接" not in body
