"""Grading a self-test: good / fair / poor against limits the video-conferencing vendors publish.

Sources of the limits (each figure below names its source):

- Microsoft Teams, "Prepare your organization's network for Teams" (network requirements, client
  to the Microsoft edge): round-trip time < 100 ms, jitter < 30 ms, packet loss < 1 %.
- Zoom, "System requirements: bandwidth": group video 1080p needs 2.5 Mbps down / 3.0 Mbps up,
  720p 1.5 / 1.5 Mbps.
- Daily, `testCallQuality()`: a call is still usable ("good" in Daily's terms, our "fair") with
  packet loss < 5 %, RTT < 300 ms and ≥ 1.1 Mbps.
- webrtc/testrtc: a camera should deliver its frames at the requested rate; black or frozen
  frames mean the camera is covered, switched off or held by another program; a microphone whose
  level stays near silence is muted or the wrong one, one that clips is turned up too far.

The figures are "good" when they meet the first (Teams, 1080p) limits, "fair" when they meet the
usable ones (Daily, 720p), "poor" otherwise; the grade is the worst of all parts. Every reason
says what to do, in plain words.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

GOOD, FAIR, POOR = "good", "fair", "poor"
_RANK = {GOOD: 0, FAIR: 1, POOR: 2}

# Microsoft Teams network requirements (client to edge)
TEAMS_RTT_MS = 100
TEAMS_JITTER_MS = 30
TEAMS_LOSS_PCT = 1.0
# Daily testCallQuality: the edge of a usable call
DAILY_RTT_MS = 300
DAILY_LOSS_PCT = 5.0
# Zoom bandwidth for group video: 1080p (good) and 720p (fair), Mbps
ZOOM_1080P_UP, ZOOM_1080P_DOWN = 3.0, 2.5
ZOOM_720P_UP, ZOOM_720P_DOWN = 1.5, 1.5
# jitter beyond twice Teams' limit makes speech break up (inference from the Teams limit)
JITTER_POOR_MS = 2 * TEAMS_JITTER_MS
# camera: at least 720p at 25 fps is good, 640x360 at 15 fps still usable (testrtc's 5 s camera check)
CAMERA_GOOD_HEIGHT, CAMERA_GOOD_FPS = 720, 25
CAMERA_FAIR_HEIGHT, CAMERA_FAIR_FPS = 360, 15
# microphone RMS in dBFS: below -60 is silence (testrtc's silence check), clipping beyond 1 % of samples
MIC_SILENT_DBFS = -60.0
MIC_CLIP_SHARE = 0.01


def _worse(a: str, b: str) -> str:
    return a if _RANK[a] >= _RANK[b] else b


def _num(d: dict[str, Any], key: str) -> float | None:
    v = d.get(key)
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def grade(result: dict[str, Any]) -> tuple[str, list[str]]:
    """The grade and the reasons (what to do) for a self-test's measurements."""
    reasons: list[str] = []
    out = GOOD

    def mark(level: str, reason: str) -> None:
        nonlocal out
        out = _worse(out, level)
        reasons.append(reason)

    cam = result.get("camera") or {}
    if not cam.get("ok"):
        mark(POOR, _("摄像头没有画面：请检查摄像头是否接好、是否被其他程序（如其他会议软件）占用，并在浏览器中允许使用摄像头。"))
    else:
        if cam.get("black"):
            mark(POOR, _("摄像头画面全黑：请打开镜头盖或摄像头开关，并检查会场灯光。"))
        if cam.get("frozen"):
            mark(POOR, _("摄像头画面静止不动：请重新插拔摄像头，或关闭占用摄像头的其他程序后重试。"))
        height, fps = _num(cam, "height") or 0, _num(cam, "fps") or 0
        if height < CAMERA_FAIR_HEIGHT or fps < CAMERA_FAIR_FPS:
            mark(POOR, _("摄像头清晰度或帧率太低（%(h)dp，%(f).0f 帧/秒）：请换用高清摄像头，或关闭占用电脑资源的程序。")
                 % {"h": height, "f": fps})
        elif height < CAMERA_GOOD_HEIGHT or fps < CAMERA_GOOD_FPS:
            mark(FAIR, _("摄像头只有 %(h)dp、%(f).0f 帧/秒：会议需要 720p、25 帧以上，建议换用高清摄像头并改善照明。")
                 % {"h": height, "f": fps})

    mic = result.get("microphone") or {}
    rms = _num(mic, "rms")
    if not mic.get("ok") and rms is None:
        mark(POOR, _("麦克风无法使用：请检查麦克风是否接好，并在浏览器中允许使用麦克风。"))
    elif rms is not None and rms < MIC_SILENT_DBFS:
        mark(POOR, _("麦克风几乎没有声音：请检查麦克风是否静音、是否选错了设备，并对着麦克风说话再测一次。"))
    elif (_num(mic, "clipping") or 0) > MIC_CLIP_SHARE:
        mark(FAIR, _("麦克风声音过大（削波失真）：请调低麦克风音量或让发言人离远一些。"))

    spk = result.get("speaker") or {}
    if spk.get("ok") is False:
        mark(POOR, _("没有听到测试音：请检查扬声器是否打开、音量是否调高、是否选对了输出设备。"))
    elif spk.get("ok") is None:
        mark(FAIR, _("扬声器未确认：请播放测试音并确认是否听到。"))

    net = result.get("network") or {}
    rtt, jitter = _num(net, "rtt_ms"), _num(net, "jitter_ms")
    loss = _num(net, "loss_pct")
    down, up = _num(net, "down_mbps"), _num(net, "up_mbps")
    if rtt is None or down is None or up is None:
        mark(POOR, _("网络测试没有完成：请检查网络连接后重新测试。"))
    else:
        if rtt >= DAILY_RTT_MS:
            mark(POOR, _("网络延迟很高（%(v).0f 毫秒）：请换用有线网络，不要使用手机热点或无线网络。") % {"v": rtt})
        elif rtt >= TEAMS_RTT_MS:
            mark(FAIR, _("网络延迟偏高（%(v).0f 毫秒，应低于 %(lim)d 毫秒）：建议换用有线网络。")
                 % {"v": rtt, "lim": TEAMS_RTT_MS})
        if jitter is not None and jitter >= JITTER_POOR_MS:
            mark(POOR, _("网络抖动很大（%(v).0f 毫秒）：请换用有线网络，关闭其他占用带宽的设备和下载。") % {"v": jitter})
        elif jitter is not None and jitter >= TEAMS_JITTER_MS:
            mark(FAIR, _("网络抖动偏大（%(v).0f 毫秒，应低于 %(lim)d 毫秒）：请关闭其他占用带宽的设备。")
                 % {"v": jitter, "lim": TEAMS_JITTER_MS})
        if up < ZOOM_720P_UP:
            mark(POOR, _("上行带宽不足（%(v).1f Mbps）：发送视频至少需要 %(lim).1f Mbps，请换用有线网络或更快的线路，关闭其他占用带宽的设备。")
                 % {"v": up, "lim": ZOOM_720P_UP})
        elif up < ZOOM_1080P_UP:
            mark(FAIR, _("上行带宽 %(v).1f Mbps，只够发送 720p 视频（1080p 需 %(lim).1f Mbps）：请关闭其他占用带宽的设备，或联系网络管理员提高上行带宽。")
                 % {"v": up, "lim": ZOOM_1080P_UP})
        if down < ZOOM_720P_DOWN:
            mark(POOR, _("下行带宽不足（%(v).1f Mbps）：接收视频至少需要 %(lim).1f Mbps，请换用有线网络或更快的线路。")
                 % {"v": down, "lim": ZOOM_720P_DOWN})
        elif down < ZOOM_1080P_DOWN:
            mark(FAIR, _("下行带宽 %(v).1f Mbps，偏低（1080p 需 %(lim).1f Mbps）：请关闭其他占用带宽的设备。")
                 % {"v": down, "lim": ZOOM_1080P_DOWN})
    rtc = result.get("webrtc") or {}
    if loss is None:
        loss = _num(rtc, "loss_pct")
    if loss is not None:
        if loss >= DAILY_LOSS_PCT:
            mark(POOR, _("丢包严重（%(v).1f%%）：请换用有线网络，检查防火墙是否限制了视频会议。") % {"v": loss})
        elif loss >= TEAMS_LOSS_PCT:
            mark(FAIR, _("有丢包（%(v).1f%%，应低于 1%%）：请换用有线网络，关闭其他占用带宽的设备。") % {"v": loss})
    if rtc.get("error"):
        mark(POOR, _("无法通过中继服务器建立视频连接：请联系本单位网络管理员放行视频会议所需的端口（UDP 3478 等）。"))
    return out, reasons
