"""The one style sheet of the publication, inlined in every page (no file, no web font).

System fonts only; colours checked for contrast against white (text 16:1, muted 9:1, links
7:1, white on the header blue 9:1); tables that could be too wide for a phone scroll inside
their own region instead of the page.
"""

CSS = """
:root { --bleu: #1f4e78; --texte: #1a1a1a; --discret: #474747; --lien: #0b4f8a;
  --fond: #ffffff; --zebre: #f1f5f9; --bord: #c9d3de; --attente: #fff3a0; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; background: var(--fond); color: var(--texte); line-height: 1.5;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans",
  Arial, sans-serif; font-size: 1rem; }
a { color: var(--lien); text-underline-offset: 2px; }
a:focus-visible, [tabindex]:focus-visible { outline: 3px solid #b35900; outline-offset: 2px; }
.saut { position: absolute; left: -999px; top: 0; background: var(--fond); padding: .5rem; }
.saut:focus { left: .5rem; }
.page { max-width: 62rem; margin: 0 auto; padding: 0 1rem 2rem; }
header.bandeau { background: var(--bleu); color: #fff; padding: 1.25rem 1rem; }
header.bandeau .page { padding-bottom: 0; }
header.bandeau p { margin: .25rem 0; }
header.bandeau a { color: #fff; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: .25rem 0 .5rem; }
h2 { font-size: 1.35rem; color: var(--bleu); margin: 2rem 0 .75rem;
  border-bottom: 2px solid var(--bleu); padding-bottom: .25rem; }
h3 { font-size: 1.15rem; margin: 0 0 .25rem; }
.surtitre { text-transform: uppercase; letter-spacing: .04em; font-size: .85rem; }
.discret { color: var(--discret); font-size: .95rem; }
nav.sommaire ul { padding-left: 1.2rem; columns: 2 16rem; }
.formation { border: 1px solid var(--bord); border-radius: 6px; padding: 1rem;
  margin: 1rem 0 1.5rem; break-inside: avoid; }
.formation .meta { margin: 0 0 .5rem; color: var(--discret); }
.alerte { background: #eef3f8; border-left: 4px solid var(--bleu); padding: .5rem .75rem;
  margin: .5rem 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; font-size: .95rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0 .5rem; }
th, td { border: 1px solid var(--bord); padding: .4rem .5rem; vertical-align: top;
  text-align: left; }
thead th { background: var(--bleu); color: #fff; font-weight: 600; }
tbody tr:nth-child(even) { background: var(--zebre); }
tbody th { font-weight: 600; }
td.chiffre { white-space: nowrap; font-weight: 700; font-variant-numeric: tabular-nums; }
td.mot { white-space: nowrap; color: var(--discret); font-style: italic; }
td.attente { background: var(--attente); color: var(--texte); }
table.fiche { table-layout: fixed; }
table.fiche col.c-ind { width: 40%; }
table.fiche col.c-res { width: 20%; }
table.fiche col.c-base { width: 40%; }
table.fiche td, table.fiche th { overflow-wrap: break-word; }
.defile { overflow-x: auto; }
.defile:focus-visible { outline: 3px solid #b35900; }
figure { margin: 0; max-width: 28rem; }
.graphiques { display: grid; grid-template-columns: repeat(auto-fill, minmax(22rem, 1fr));
  gap: 1.5rem 2.5rem; margin: 1rem 0; }
figcaption { font-weight: 600; margin-bottom: .25rem; }
svg.chart { width: 100%; height: auto; display: block; }
svg .chart-label { font-size: 13px; fill: var(--texte); font-family: inherit; }
svg .chart-value { font-size: 13px; font-weight: 700; fill: var(--texte); font-family: inherit; }
svg .chart-word { font-size: 13px; font-style: italic; fill: var(--discret); font-family: inherit; }
svg .chart-max { stroke: #8a8a8a; stroke-dasharray: 3 3; stroke-width: 1; }
dl.definitions dt { font-weight: 700; margin-top: .75rem; }
dl.definitions dd { margin: .1rem 0 0 0; }
footer { border-top: 1px solid var(--bord); margin-top: 2rem; padding-top: 1rem; }
@media (max-width: 36rem) {
  h1 { font-size: 1.35rem; }
  .page { padding: 0 .75rem 1.5rem; }
  .formation { padding: .6rem; }
  th, td { padding: .3rem .35rem; }
  table { font-size: .875rem; }
  table.fiche col.c-ind { width: 36%; }
  table.fiche col.c-res { width: 27%; }
  table.fiche col.c-base { width: 37%; }
  td.mot { white-space: normal; }
}
@media print {
  header.bandeau { background: none; color: #000; }
  header.bandeau a { color: #000; }
  .saut, nav.sommaire { display: none; }
}
"""
