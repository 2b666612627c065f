"""The one style sheet of the publication, inlined in every page (no file, no web font).

System fonts only; colours checked for contrast against white (text 16:1, muted and « à
venir » 7:1, links 7:1, white on the header blue 9:1); wide tables scroll inside their own
region, the programme's name staying in view (on a phone their caption is left to screen
readers: the heading just above says the same); on paper, folded details are left out, tables
run across pages with their header repeated, and nothing forces a blank page.
"""

CSS = """
:root { --bleu: #1f4e78; --texte: #1a1a1a; --discret: #595959; --lien: #0b4f8a;
  --fond: #ffffff; --zebre: #f1f5f9; --bord: #c9d3de; --clair: #eef3f8; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; background: var(--fond); color: var(--texte); line-height: 1.5;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans",
  Arial, sans-serif; font-size: 1rem; }
a { color: var(--lien); text-underline-offset: 2px; }
a:focus-visible, [tabindex]:focus-visible, summary:focus-visible {
  outline: 3px solid #b35900; outline-offset: 2px; }
.saut { position: absolute; left: -999px; top: 0; background: var(--fond); padding: .5rem; }
.saut:focus { left: .5rem; }
.lecteur { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
.page { max-width: 64rem; margin: 0 auto; padding: 0 1rem 2rem; }
header.bandeau { background: var(--bleu); color: #fff; padding: 1rem 1rem; }
header.bandeau .page { padding-bottom: 0; }
header.bandeau p { margin: .2rem 0; }
header.bandeau a { color: #fff; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: .25rem 0 .4rem; }
h2 { font-size: 1.3rem; color: var(--bleu); margin: 1.75rem 0 .75rem;
  border-bottom: 2px solid var(--bleu); padding-bottom: .25rem; }
h3 { font-size: 1.05rem; margin: 0; display: inline; }
h3.sous { display: block; margin: 1rem 0 .5rem; }
.surtitre { text-transform: uppercase; letter-spacing: .04em; font-size: .85rem; }
.discret { color: var(--discret); font-size: .95rem; }
ul.cles { list-style: none; padding: 0; margin: .75rem 0; display: grid; gap: .75rem;
  grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); }
ul.cles li { border: 1px solid var(--bord); border-left: 6px solid var(--bleu);
  border-radius: 6px; padding: .6rem .8rem; }
ul.cles .valeur { display: block; font-size: 1.7rem; font-weight: 700; line-height: 1.2;
  font-variant-numeric: tabular-nums; }
ul.cles .intitule { display: block; font-weight: 600; }
ul.cles .n { display: block; }
.n { display: block; font-size: .8rem; color: var(--discret); font-weight: 400;
  font-style: normal; }
.alerte { background: var(--clair); border-left: 4px solid var(--bleu); padding: .5rem .75rem;
  margin: .5rem 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; font-size: .95rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0 .5rem; }
th, td { border: 1px solid var(--bord); padding: .35rem .5rem; vertical-align: top;
  text-align: left; }
thead th { background: var(--bleu); color: #fff; font-weight: 600; }
thead th .n { color: #fff; }
tbody tr:nth-child(even) { background: var(--zebre); }
tbody th { font-weight: 600; }
td.chiffre { white-space: nowrap; font-weight: 700; font-variant-numeric: tabular-nums; }
td.mot, td.vide { color: var(--discret); font-style: italic; }
td.avenir { color: var(--discret); font-style: italic; white-space: nowrap; }
table.resume td { text-align: center; }
table.resume td.avenir[colspan] { text-align: left; }
table.resume th[scope="row"] { position: sticky; left: 0; background: var(--fond);
  min-width: 11rem; max-width: 18rem; }
table.resume tbody tr:nth-child(even) th[scope="row"] { background: var(--zebre); }
table.fiche { table-layout: fixed; }
table.fiche col.c-ind { width: 40%; }
table.fiche col.c-res { width: 20%; }
table.fiche col.c-base { width: 40%; }
table.fiche td, table.fiche th { overflow-wrap: break-word; }
.defile { overflow-x: auto; }
details { margin: .5rem 0; }
details.formation { border: 1px solid var(--bord); border-radius: 6px; padding: .5rem .75rem; }
details.formation[open] { padding-bottom: .75rem; }
summary { cursor: pointer; }
summary h2 { display: inline; border: 0; }
section.plie h2 { font-size: 1.15rem; }
.formation .meta { margin: .5rem 0; color: var(--discret); }
figure { margin: 0; max-width: 28rem; }
.graphiques { display: grid; grid-template-columns: repeat(auto-fill, minmax(20rem, 1fr));
  gap: 1.5rem 2.5rem; margin: 1rem 0; }
figcaption { font-weight: 600; margin-bottom: .25rem; }
svg.chart { width: 100%; height: auto; display: block; }
svg .chart-label { font-size: 13px; fill: var(--texte); font-family: inherit; }
svg .chart-value { font-size: 13px; font-weight: 700; fill: var(--texte); font-family: inherit; }
svg .chart-word { font-size: 13px; font-style: italic; fill: var(--discret); font-family: inherit; }
svg .chart-axis { font-size: 11px; fill: var(--discret); font-family: inherit; }
svg .chart-point { font-size: 11px; font-weight: 700; font-family: inherit; }
svg .chart-grid { stroke: #d9d9d9; stroke-width: 1; }
svg .chart-max { stroke: #8a8a8a; stroke-dasharray: 3 3; stroke-width: 1; }
dl.definitions dt { font-weight: 700; margin-top: .75rem; }
dl.definitions dd { margin: .1rem 0 0 0; }
footer { border-top: 1px solid var(--bord); margin-top: 2rem; padding-top: 1rem; }
@media (max-width: 36rem) {
  h1 { font-size: 1.3rem; }
  .page { padding: 0 .75rem 1.5rem; }
  th, td { padding: .3rem .35rem; }
  table { font-size: .875rem; }
  table.resume th[scope="row"] { min-width: 8.5rem; }
  table.resume caption { position: absolute; width: 1px; height: 1px; overflow: hidden;
    clip: rect(0 0 0 0); white-space: nowrap; }
  ul.cles { grid-template-columns: 1fr 1fr; gap: .5rem; }
  ul.cles .valeur { font-size: 1.4rem; }
  table.fiche col.c-ind { width: 36%; }
  table.fiche col.c-res { width: 27%; }
  table.fiche col.c-base { width: 37%; }
}
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { font-size: 10pt; }
  header.bandeau { background: none; color: #000; padding: 0; }
  header.bandeau a, .saut, section.plie, section.ecran, footer { display: none; }
  .page { max-width: none; padding: 0; }
  .defile { overflow: visible; }
  table { font-size: 8.5pt; }
  thead { display: table-header-group; }
  tr, ul.cles li, figure { break-inside: avoid; }
  h2 { break-after: avoid; margin-top: 1rem; }
  table.resume th[scope="row"] { position: static; }
  thead th { background: #fff; color: #000; border-bottom: 2px solid #000; }
  thead th .n { color: #000; }
}
"""
