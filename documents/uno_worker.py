"""A long-lived LibreOffice converter, run by the system Python that has the `uno` bridge.

Started by documents/pdf.py as `python3 uno_worker.py PORT PROFILE_DIR`; it starts one headless
soffice, then converts one file per request line on stdin: {"src": path, "dst": path, "pdf_version": 0|2,
"bookmarks": false|true} → {"ok": true} or {"ok": false, "error": "..."} on stdout. EOF stops soffice and the worker.
This file imports nothing from the project: it runs outside the virtual environment.
"""

import json
import subprocess
import sys
import time
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def prop(name, value):  # type: ignore[no-untyped-def]
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def store(doc, url, pdf_version, bookmarks=False):  # type: ignore[no-untyped-def]
    """Export as PDF; pdf_version 2 asks the filter for PDF/A-2b (0: plain PDF); bookmarks
    exports each Word bookmark as a named destination (where a merged document starts)."""
    args = [prop("FilterName", "writer_pdf_Export")]
    options = []
    if pdf_version:
        options.append(prop("SelectPdfVersion", pdf_version))
    if bookmarks:
        options.append(prop("ExportBookmarksToPDFDestination", True))
    if options:
        data = uno.Any("[]com.sun.star.beans.PropertyValue", tuple(options))
        args.append(prop("FilterData", data))
    uno.invoke(doc, "storeToURL", (url, uno.Any("[]com.sun.star.beans.PropertyValue",
                                                 tuple(args))))


def main() -> int:
    port, profile = int(sys.argv[1]), Path(sys.argv[2]).resolve()  # a URI needs it absolute
    office = subprocess.Popen([
        "soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible",
        "--nologo", "--norestore", "--nodefault",
        f"--accept=socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext"])
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        context = None
        for _ in range(300):
            try:
                context = resolver.resolve(
                    f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.1)
        if context is None:
            print(json.dumps({"ok": False, "error": "soffice did not start"}), flush=True)
            return 1
        desktop = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context)
        print(json.dumps({"ready": True}), flush=True)
        for line in sys.stdin:
            request = json.loads(line)
            try:
                doc = desktop.loadComponentFromURL(
                    Path(request["src"]).resolve().as_uri(), "_blank", 0,
                    (prop("Hidden", True),))
                try:
                    store(doc, Path(request["dst"]).resolve().as_uri(),
                          int(request.get("pdf_version", 0)), bool(request.get("bookmarks")))
                finally:
                    doc.close(True)
                print(json.dumps({"ok": True}), flush=True)
            except Exception as exc:  # reported to the caller, who decides
                print(json.dumps({"ok": False, "error": str(exc)}), flush=True)
        try:
            desktop.terminate()
        except Exception:  # soffice may already be gone
            pass
        return 0
    finally:
        office.terminate()
        try:
            office.wait(10)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    sys.exit(main())
