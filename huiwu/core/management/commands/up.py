"""`huiwu up`: init, then serve with gunicorn (several workers) and the background queue."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys

from django.core.management import BaseCommand, call_command
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def _logger_class():
    from gunicorn.glogging import Logger

    class AccessLogger(Logger):
        """gunicorn's logger, except that a request's access line is not even put together when its
        level is off (gunicorn builds it whenever logging is configured: a twentieth of a scan's CPU)."""

        def access(self, resp, req, environ, request_time):
            if self.access_log.isEnabledFor(logging.INFO):
                super().access(resp, req, environ, request_time)

    return AccessLogger


class Command(BaseCommand):
    help = gettext_lazy("初始化并启动服务（gunicorn 多进程 + 后台队列）。")

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HUIWU_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("HUIWU_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("HUIWU_WORKERS", "3")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("HUIWU_THREADS", "4")))
        parser.add_argument("--historical", action="store_true", help=_("演示会议使用2021年的原始日期"))
        parser.add_argument("--no-queue", action="store_true", help=_("不启动内置后台队列"))

    def handle(self, *args, host, port, workers, threads, historical, no_queue, **opts):
        from django.conf import settings

        if not settings.HUIWU_BASE_URL:
            # links in mails and pages name the address this server answers on (never a Host header)
            shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
            settings.HUIWU_BASE_URL = os.environ["HUIWU_BASE_URL"] = f"http://{shown}:{port}"
        call_command("init", historical=historical, stdout=self.stdout)
        # gunicorn forks its workers from this process: a connection `init` left open would be
        # inherited by every one of them, and sync workers (HUIWU_THREADS=1) serve requests in the
        # thread that owns it, so their queries would cross on one socket
        from django.db import connections

        connections.close_all()
        self.stdout.write(_("huiwu 正在运行：%(url)s  （Ctrl+C 停止）") % {"url": f"http://{host}:{port}/"})
        self.stdout.flush()
        queue = None
        if not no_queue:
            queue = subprocess.Popen([sys.executable, "-m", "huiwu.cli", "run_huey", "--quiet"])

        from gunicorn.app.base import BaseApplication

        from huiwu.wsgi import application

        class Server(BaseApplication):
            def load_config(self):
                self.cfg.set("bind", f"{host}:{port}")
                self.cfg.set("workers", workers)
                self.cfg.set("threads", threads)
                self.cfg.set("worker_class", "gthread" if threads > 1 else "sync")
                self.cfg.set("timeout", 60)
                self.cfg.set("graceful_timeout", 5)
                self.cfg.set("accesslog", os.environ.get("HUIWU_ACCESS_LOG") or None)
                self.cfg.set("logger_class", _logger_class())
                self.cfg.set("proc_name", "huiwu")
                self.cfg.set("umask", 0o077)  # files the workers create in the data dir: owner only
                self.cfg.set("control_socket_disable", True)  # no socket in $HOME; nothing uses it
                # gunicorn's own log lines in the same JSON shape as the app's
                self.cfg.set("logconfig_dict", {
                    "version": 1, "disable_existing_loggers": False,
                    "formatters": {"json": {"()": "pythonjsonlogger.json.JsonFormatter",
                                            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
                                            "rename_fields": {"asctime": "time", "levelname": "level",
                                                              "name": "logger"}}},
                    "handlers": {
                        "console": {"class": "logging.StreamHandler", "formatter": "json"},
                        "error_console": {"class": "logging.StreamHandler", "formatter": "json"},
                    },
                    "root": {"handlers": ["console"], "level": "INFO"},
                    "loggers": {"gunicorn.error": {"handlers": ["error_console"], "level": "INFO", "propagate": False},
                                # one line per request at INFO, none when HUIWU_LOG_LEVEL is above it
                                "gunicorn.access": {"handlers": ["console"], "propagate": False,
                                                    "level": os.environ.get("HUIWU_LOG_LEVEL", "INFO")}},
                })

            def load(self):
                return application

        try:
            Server().run()
        finally:
            if queue is not None:
                queue.send_signal(signal.SIGTERM)
                try:
                    queue.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    queue.kill()
