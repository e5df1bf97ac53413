"""The organizer's 起草通知 page: the event's notice as drafted (HTML preview, the page rendered by
LibreOffice as PNG/PDF when it is installed), and the .docx download. Thin views over notices.drafting."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe

from huiwu.accounts.tenancy import scoped
from huiwu.audit.services import record

from . import drafting

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _filename(event, ext: str) -> str:
    return f"{event.issuer or ''}关于举办{event.title}的通知.{ext}"  # i18n: data (the notice's own title)


@scoped("event.manage")
def draft(request, event):
    """The drafted notice: what it says (HTML), how it looks on paper (page images), fonts it asks for."""
    import shutil

    return render(request, "notices/draft.html", {
        "event": event,
        "preview": mark_safe(drafting.draft_html(event)),  # noqa: S308 (built with escape() for every text)
        "missing_fonts": drafting.font_notes(),
        "office": bool(shutil.which("soffice") or shutil.which("libreoffice")),
        "pages": range(1, 4),
    })


@scoped("event.manage")
def draft_docx(request, event):
    data = drafting.draft_docx(event)
    record("notice.draft", actor=request.user, event=event, after={"bytes": len(data)})
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(True, _filename(event, "docx"))
    return response


#: (event id, what the draft says) → its PDF: the page asks for several page images at once, and a
#: LibreOffice run takes seconds, so one run serves them all until the event's notice changes
_PDFS: dict[tuple[int, str], bytes] = {}


def _pdf(event) -> bytes:
    import hashlib

    key = (event.pk, hashlib.sha256(drafting.draft_html(event).encode()).hexdigest())
    pdf = _PDFS.get(key)
    if pdf is None:
        pdf = drafting.preview_pdf(drafting.draft_docx(event))
        if pdf is None:
            raise Http404("LibreOffice")
        if len(_PDFS) >= 8:
            _PDFS.pop(next(iter(_PDFS)))
        _PDFS[key] = pdf
    return pdf


@scoped("event.manage")
def draft_pdf(request, event):
    response = HttpResponse(_pdf(event), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, _filename(event, "pdf"))
    return response


@scoped("event.manage")
def draft_png(request, event, page: int):
    png = drafting.preview_png(_pdf(event), page=page)
    if png is None:
        raise Http404("page")
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, max-age=60"
    return response
