"""Picking on a phone: open a pick list by scanning its number, then one task at a time in
walking order: scan the shelf, the product (and its lot), confirm the quantity. The page is
the admin's; every check and write is a service or selector the API uses too. Each answer is
JSON so the page can stay on the phone's screen (documents/static/documents/pick_phone.js)."""

import json
import re
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from documents.admin.common import _refusal
from documents.models import PickConfirmation, PickList
from documents.selectors import pick_tasks, pick_tasks_in_packs
from documents.services import pick_confirm, pick_list_finish, task_key
from inventory.selectors import scan_resolve
from warehouses.models import join_path
from wms.exceptions import DomainError

PICK_PERMISSION = "documents.add_picklist"
_NUMBER = re.compile(r"^PCK-?(\d{1,12})$", re.IGNORECASE)


def _task(task: dict, confirmed: dict[str, PickConfirmation]) -> dict:
    key = task_key(task["quant__location_id"], task["quant__product_id"], task["quant__lot_id"])
    done = confirmed.get(key)
    return {
        "key": key,
        "location": join_path(
            task["quant__location__warehouse__code"], task["quant__location__path"]
        ),
        "sku": task["quant__product__sku"],
        "name": task["quant__product__name"],
        "lot": task["quant__lot__code"],
        "expires_on": str(task["quant__lot__expires_on"] or "") or None,
        "quantity": task["quantity"],
        "packs": task["packs"],
        "picked": done.quantity if done else None,
    }


def _json_body(request) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ValidationError("The request is not a JSON object.")
    return body


def _refused(exc: Exception) -> JsonResponse:
    if isinstance(exc, DomainError):
        body = {"ok": False, "detail": exc.message, "code": exc.code, **exc.details()}
        return JsonResponse(body, status=exc.status_code)
    status = 404 if isinstance(exc, PickList.DoesNotExist) else 400
    return JsonResponse({"ok": False, "detail": _refusal(exc)}, status=status)


def check_scan(task: dict, step: str, code: str) -> dict:
    """Whether ``code`` is what ``step`` ("shelf", "product" or "lot") of ``task`` asks for,
    and what it says (the lot and count a GS1 code carries)."""
    code = code.strip()
    lot = task["quant__lot__code"] or ""
    if step == "lot":
        same = code.casefold() == lot.casefold()
        return {"ok": same, "detail": "" if same else f"Wrong lot {code}: take lot {lot}."}
    scan = scan_resolve(code=code)
    if step == "shelf":
        if scan is not None and scan.location and scan.location.pk == task["quant__location_id"]:
            return {"ok": True, "detail": ""}
        return {"ok": False, "detail": f"Wrong shelf ({code}). Go to the shelf shown."}
    if scan is None or scan.product is None or scan.product.pk != task["quant__product_id"]:
        return {
            "ok": False,
            "detail": f"Wrong product ({code}): take {task['quant__product__sku']}.",
        }
    if scan.data.lot and lot and scan.data.lot.casefold() != lot.casefold():
        return {"ok": False, "detail": f"Wrong lot {scan.data.lot}: take lot {lot}."}
    return {"ok": True, "detail": "", "lot": scan.data.lot or "", "count": scan.data.quantity or 1}


class PickPhoneMixin:
    """For the pick lists' admin: the phone's pages and their JSON requests."""

    def phone_urls(self):
        view = self.admin_site.admin_view
        return [
            path("phone/", view(self.phone_open_view), name="documents_picklist_phone_open"),
            path(
                "<int:pick_list_id>/phone/", view(self.phone_view), name="documents_picklist_phone"
            ),
            path(
                "<int:pick_list_id>/phone/<str:action>/",
                view(self.phone_action_view),
                name="documents_picklist_phone_action",
            ),
        ]

    def _phone_list(self, request, pick_list_id) -> PickList:
        if not request.user.has_perm(PICK_PERMISSION):
            raise PermissionDenied
        pick_list = PickList.objects.filter(pk=pick_list_id).first()
        if pick_list is None:
            raise Http404("No such pick list.")
        return pick_list

    def phone_open_view(self, request):
        if not request.user.has_perm(PICK_PERMISSION):
            raise PermissionDenied
        code = request.GET.get("code", "").strip()
        if code:
            found = _NUMBER.match(code.removeprefix("]C1").removeprefix("]c1"))
            if found and PickList.objects.filter(pk=int(found.group(1))).exists():
                return redirect("admin:documents_picklist_phone", int(found.group(1)))
            messages.error(request, f"{code} is not a pick list's number.")
        return TemplateResponse(
            request,
            "admin/documents/picklist/phone_open.html",
            {**self.admin_site.each_context(request), "title": "Pick on a phone"},
        )

    def phone_view(self, request, pick_list_id):
        pick_list = self._phone_list(request, pick_list_id)
        confirmed = {c.task: c for c in PickConfirmation.objects.filter(pick_list=pick_list)}
        tasks = [_task(t, confirmed) for t in pick_tasks_in_packs(pick_list_id=pick_list.pk)]
        action = reverse("admin:documents_picklist_phone_action", args=[pick_list.pk, "_"])
        return TemplateResponse(
            request,
            "admin/documents/picklist/phone.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Pick {pick_list.number}",
                "pick_list": pick_list,
                "tasks": tasks,
                "action_url": action[:-2],
            },
        )

    def phone_action_view(self, request, pick_list_id, action):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        pick_list = self._phone_list(request, pick_list_id)
        try:
            body = _json_body(request)
            if action == "check":
                return self._phone_check(pick_list, body)
            if action == "confirm":
                return self._phone_confirm(request, pick_list, body)
            if action == "finish":
                return self._phone_finish(request, pick_list)
        except (DomainError, ValidationError, PickList.DoesNotExist) as exc:
            return _refused(exc)
        raise Http404("No such action.")

    def _phone_check(self, pick_list, body):
        tasks = {
            task_key(t["quant__location_id"], t["quant__product_id"], t["quant__lot_id"]): t
            for t in pick_tasks(pick_list_id=pick_list.pk)
        }
        task = tasks.get(str(body.get("task", "")))
        if task is None or body.get("step") not in ("shelf", "product", "lot"):
            raise ValidationError("No such task or step on this pick list.")
        return JsonResponse(check_scan(task, body["step"], str(body.get("code", ""))))

    def _phone_confirm(self, request, pick_list, body):
        try:
            request_id = uuid.UUID(str(body.get("request_id", "")))
            quantity = int(body.get("quantity"))
        except (TypeError, ValueError):
            raise ValidationError(
                "A confirmation needs a request_id and a whole quantity."
            ) from None
        confirmation = pick_confirm(
            pick_list_id=pick_list.pk,
            task=str(body.get("task", "")),
            quantity=quantity,
            reason=str(body.get("reason", ""))[:200],
            request_id=request_id,
            user=request.user,
        )
        return JsonResponse(
            {"ok": True, "task": confirmation.task, "picked": confirmation.quantity}
        )

    def _phone_finish(self, request, pick_list):
        finished = pick_list_finish(pick_list_id=pick_list.pk, user=request.user)
        return JsonResponse(
            {
                "ok": True,
                "posted": [
                    {
                        "number": d.number,
                        "backorder": d.backorder.number if d.backorder else None,
                    }
                    for d in finished.posted
                ],
                "left": [d.number for d in finished.left],
            }
        )
