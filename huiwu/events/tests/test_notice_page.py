"""The public notice page (/e/<slug>/): the notice read once, its header above the body."""

from huiwu.notices.parser import notice_body
from huiwu.notices.tests.test_parser import seed_text


def test_title_document_number_and_addressees_are_shown_once(client, demo_event):
    """An event made from a notice keeps the notice's text, which starts with its title, document
    number and addressees: the page showed each twice, in its header and in the body."""
    demo_event.notice_text = notice_body(seed_text())
    demo_event.addressees = "各省、自治区、直辖市教育厅(教委),各计划单列市教育局,新疆生产建设兵团教育局,有关单位"  # as folded
    demo_event.save(update_fields=["notice_text", "addressees"])
    article = client.get(f"/e/{demo_event.slug}/").content.decode().split("<article", 1)[1].split("</article>", 1)[0]
    assert article.count("教职成厅函〔2021〕24号") == 1
    assert article.count("新疆生产建设兵团教育局，有关单位") + article.count("新疆生产建设兵团教育局,有关单位") == 1
    assert article.count("2021年全民终身学习活动周全国总开幕式的通知") == 1
    heading = article.split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert heading == "教育部办公厅关于举办2021年全民终身学习活动周全国总开幕式的通知"
    body = article.split('class="notice-body">', 1)[1]
    assert body.startswith("<p>为深入贯彻党的十九大") and "现将具体事宜通知如下" in body


def test_a_body_without_the_header_is_shown_whole(client, demo_event):
    """The demo's body is a summary that starts with its first sentence: nothing is dropped."""
    body = client.get(f"/e/{demo_event.slug}/").content.decode().split('class="notice-body">', 1)[1]
    assert body.startswith("<p>" + demo_event.notice_text[:40])
    # each of the notice's paragraphs is a paragraph of the page (indented, no blank line between)
    body = body.split("</div>", 1)[0]
    paragraphs = [p for p in demo_event.notice_text.split("\n\n") if p.strip()]
    assert len(paragraphs) > 1 and body.count("<p>") == len(paragraphs) and "\n\n" not in body.replace("</p>\n\n<p>", "")
    assert "<h1>2021年全民终身学习活动周全国总开幕式</h1>" in client.get(f"/e/{demo_event.slug}/").content.decode()
