"""Notice intake pages: paste or upload a notice, review each field beside its sentence, create."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from huiwu.accounts.tenancy import scoped
from huiwu.audit.services import record
from huiwu.core.errors import ApiError

from . import services
from .forms import FIELD_LABELS, NoticeInputForm, ReviewForm
from .parser import attendee_categories, find_body, missing_fields, notice_body, parse_with_sources
from .reading import MAX_TEXT_CHARS, NoticeFileError, check_text, read_notice_bytes


def require_organizer(request) -> None:
    """Creating an event is global: any organizer membership (with or without an event) may do it."""
    if not services.is_organizer(request.user):
        record("tenancy.denied", actor=request.user, note="notices:new",
               ip=request.META.get("REMOTE_ADDR"))
        raise PermissionDenied(_("只有主办方可以从通知新建会议。"))


def highlight(text: str, spans: dict[str, tuple[int, int]]) -> SafeString:
    """The normalised notice, escaped, with each field's source marked (<mark data-fields=…>)."""
    cuts = {0, len(text)}
    for s, e in spans.values():
        cuts.update((s, e))
    bounds = sorted(cuts)
    out = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        fields = [f for f, (s, e) in spans.items() if s <= a and b <= e]
        piece = escape(text[a:b])
        if fields:
            names = " ".join(sorted(fields))
            labels = _("、").join(str(FIELD_LABELS.get(f, f)) for f in sorted(fields))
            out.append(f'<mark data-fields="{escape(names)}" title="{escape(labels)}">{piece}</mark>')
        else:
            out.append(piece)
    return mark_safe("".join(out))  # noqa: S308 - every piece of text above is escaped


def _review_rows(form: ReviewForm, text: str, spans: dict[str, tuple[int, int]]) -> list[dict]:
    rows = []
    for name in form.fields:
        if name == "source":
            continue
        path = ReviewForm.SOURCES.get(name)
        span = spans.get(path) if path else None
        rows.append({
            "field": form[name], "path": path or "",
            "source": text[span[0]:span[1]] if span else "",
            "found": span is not None,
        })
    return rows


MAX_PLANNED = 5000


def plan_from_post(post) -> list[dict]:
    """The branch venues as the organizer left them on the review page: each listed venue with its
    (possibly renamed) name and unit and whether it stays checked, then the ones added by line
    (a region's unit named for the notice's authority, as the listed ones are)."""
    from .branches import Planned, authority_of, from_lines

    try:
        count = min(int(post.get("plan_count", "0")), MAX_PLANNED)
    except ValueError:
        count = 0
    out = []
    for i in range(count):
        code = post.get(f"plan-{i}-code", "").strip()
        if code and not (code.isdigit() and len(code) == 6):
            continue
        out.append(Planned(code, post.get(f"plan-{i}-name", "").strip()[:120],
                           post.get(f"plan-{i}-unit", "").strip()[:120], bool(post.get(f"plan-{i}-keep")),
                           post.get(f"plan-{i}-source", "")[:200]).as_dict())
    lines = {"issuer": post.get("issuer", ""), "addressees": post.get("addressees", "").splitlines(),
             "branch_venues": {"hosts": post.get("branch_hosts", "").splitlines()}}
    out += [p.as_dict() for p in from_lines(post.get("plan_add", "")[:20000], source=_("主办方添加"),
                                            form=authority_of(lines))]
    return out


def _render_review(request, form: ReviewForm, text: str, status: int = 200, plan: list[dict] | None = None):
    result, spans, norm = parse_with_sources(text)
    _kinds, people_span = attendee_categories(find_body(norm))
    if people_span is not None:
        spans = {**spans, "attendee_categories": people_span}
    missing = [{"path": p, "label": FIELD_LABELS[p]} for p in missing_fields(result)]
    if plan is None:
        from .branches import plan as plan_branches

        plan = [p.as_dict() for p in plan_branches(result)]
    return render(request, "notices/review.html", {
        "form": form, "rows": _review_rows(form, norm, spans), "missing": missing,
        "marked": highlight(norm, spans), "plan": plan, "plan_kept": sum(1 for p in plan if p["keep"]),
    }, status=status)


@scoped("event.manage")
def new(request):
    """Step 1 (paste or upload), step 2 (review beside the source sentences), step 3 (create)."""
    require_organizer(request)
    if request.method == "POST" and request.POST.get("step") == "create":
        form = ReviewForm(request.POST)
        text = request.POST.get("source", "")[:MAX_TEXT_CHARS]
        plan = plan_from_post(request.POST) if "plan_count" in request.POST else None
        if form.is_valid():
            try:
                event = services.create_event_from_notice(
                    form.to_parsed(), request.user, notice_text=notice_body(text),
                    create_branches=form.cleaned_data.get("create_branches", False), branches=plan,
                )
            except (services.NoticeInvalid, ApiError) as exc:
                form.add_error(None, getattr(exc, "message", None) or str(exc))
            else:
                return redirect("dashboard:overview", event.slug)
        return _render_review(request, form, text, status=422, plan=plan)
    if request.method == "POST":
        form = NoticeInputForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            try:
                if upload:
                    if upload.size > 5 * 1024 * 1024:
                        raise NoticeFileError(_("文件太大，通知文件不能超过 5 MB。"))
                    text = read_notice_bytes(upload.read(), upload.name)
                else:
                    text = check_text(form.cleaned_data["text"])
            except NoticeFileError as exc:
                form.add_error("file" if upload else "text", str(exc))
            else:
                result, _spans, norm = parse_with_sources(text)
                review = ReviewForm(initial=ReviewForm.initial_from(result, norm))
                return _render_review(request, review, norm)
        return render(request, "notices/new.html", {"form": form}, status=422)
    return render(request, "notices/new.html", {"form": NoticeInputForm()})
