"""Checks a report page's layout in headless Chromium (issue 16): no text
of either map overlaps another text of that map (their rendered boxes,
getBoundingClientRect, 0.5 px allowed), no text is outside its map (nothing
clipped); printed to A4 PDF, each table of up to a page stays on one page
(pdftotext's page breaks). Usage: layout.py CHROMIUM REPORT.html WORKDIR"""
import html as htmlmod
import json
import os
import re
import subprocess
import sys

chrome, page, work = sys.argv[1:4]
src = open(page, encoding="utf-8").read()
# The page forbids scripts (its CSP): a copy without it runs the probe.
probe = r"""<script>
const out = {maps: [], bad: []};
document.querySelectorAll('svg.map').forEach((svg, m) => {
  const fr = svg.getBoundingClientRect();
  const t = [...svg.querySelectorAll('text')].map(e => ({r: e.getBoundingClientRect(), s: e.textContent}));
  out.maps.push(t.length);
  for (let i = 0; i < t.length; i++) {
    const a = t[i].r;
    if (a.left < fr.left - 0.5 || a.top < fr.top - 0.5 || a.right > fr.right + 0.5 || a.bottom > fr.bottom + 0.5)
      out.bad.push(`map ${m + 1}: "${t[i].s}" outside the map`);
    for (let j = i + 1; j < t.length; j++) {
      const b = t[j].r;
      const ox = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const oy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (ox > 0.5 && oy > 0.5) out.bad.push(`map ${m + 1}: "${t[i].s}" overlaps "${t[j].s}"`);
    }
  }
});
document.body.setAttribute('data-layout', JSON.stringify(out));
</script>"""
copy = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", src)
copy = copy.replace("</body>", probe + "</body>")
probe_page = os.path.join(work, "layout_probe.html")
open(probe_page, "w", encoding="utf-8").write(copy)
flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars"]
fail = []
for width in (900, 700):  # a desktop window and a narrow one: the SVG scales
    dom = subprocess.run([chrome, *flags, f"--window-size={width},3000", "--dump-dom",
                          "file://" + probe_page], capture_output=True, text=True, timeout=120).stdout
    m = re.search(r'data-layout="([^"]*)"', dom)
    if not m:
        fail.append("no layout result from Chromium")
        break
    res = json.loads(htmlmod.unescape(m.group(1)))
    if len(res["maps"]) != 2 or min(res["maps"]) < 5:
        fail.append(f"maps with texts: {res['maps']}")
    fail += [f"{width} px: {b}" for b in res["bad"]]
    print(f"ok   {width} px window: {res['maps']} texts on the two maps checked")

pdf = os.path.join(work, "layout.pdf")
subprocess.run([chrome, *flags, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", "file://" + page],
               capture_output=True, timeout=120)
text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True).stdout
pages = text.split("\f")
# Each table's rows, found in the PDF's text by two neighbouring cells on
# one line ("Pelham   E05004974", "Crime types   Violence and ..."): the
# first pair that is not a bare rank and has no line break inside.
def cell(c):
    return " ".join(htmlmod.unescape(re.sub(r"<[^>]+>", " ", c)).split())
def signatures(cells):
    """Regexes for a row, most telling first: pairs of neighbouring cells,
    then triples of numbers (a wrapped name breaks a pair)."""
    c = [cell(x) if "<br" not in x and "<svg" not in x else None for x in cells]
    out = []
    for a, b in zip(c, c[1:]):
        if a and b and not re.fullmatch(r"\d+", a) and 2 < len(a) < 40:
            out.append(re.compile(re.escape(a) + r" +" + re.escape(b[:15])))
    for a, b, d in zip(c, c[1:], c[2:]):
        if a and b and d:
            out.append(re.compile(r"(?<!\S)" + re.escape(a) + r" +" + re.escape(b) + r" +" + re.escape(d[:12])))
    return out
def pages_of(sigs):
    for g in sigs:
        on = [p for p, pt in enumerate(pages) if g.search(pt)]
        if on:
            return on
    return []
for t, body in enumerate(re.findall(r"<table[^>]*>.*?<tbody>(.*?)</tbody>", src, re.S)):
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", r, re.S) for r in re.findall(r"<tr>(.*?)</tr>", body, re.S)]
    sigs = [g for g in (signatures(r) for r in rows) if g]
    if not sigs or len(sigs) > 40:  # longer than a page may break (its header repeats)
        continue
    on = [pages_of(g) for g in sigs]
    found = [o for o in on if o]
    if len(found) < 0.8 * len(sigs):
        fail.append(f"table {t + 1}: only {len(found)} of {len(sigs)} rows found in the PDF text")
    elif len({p for o in found for p in o}) > 1:
        fail.append(f"table {t + 1} runs over pages {sorted({p + 1 for o in found for p in o})}")
    else:
        print(f"ok   table {t + 1}: {len(found)} of {len(sigs)} rows found, all on page "
              f"{found[0][0] + 1} of {len(pages) - 1}")
for f in fail:
    print("FAIL layout:", f)
sys.exit(1 if fail else 0)
