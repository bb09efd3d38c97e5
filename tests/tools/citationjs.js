// Reads citekit's exports with citation.js, as web tools built on it (and Zotero's citeproc-js) do.
// stdin: {"prefix": ".ci/citation-js", "styles": {"apa": "<xml>", …},
//         "inputs": [{"data": "<file text>", "type": "@ris/file" (optional), "style": "apa"}]}
// stdout: [{"csl": [CSL items as citation.js parsed them], "bibliography": "<plain text>"}, …]
// An input citation.js cannot read gives {"error": "<message>"} and the others still run.
'use strict';
const path = require('path');
const fs = require('fs');

const request = JSON.parse(fs.readFileSync(0, 'utf8'));
const load = (name) => require(path.join(path.resolve(request.prefix), 'node_modules', name));
const { Cite, plugins } = load('@citation-js/core');
load('@citation-js/plugin-ris');
load('@citation-js/plugin-bibtex');
load('@citation-js/plugin-csl');

const templates = plugins.config.get('@csl').styles;
for (const [name, xml] of Object.entries(request.styles || {})) {
  templates.add(name, xml);
}

const results = request.inputs.map((input) => {
  try {
    const cite = input.type ? new Cite(input.data, { forceType: input.type }) : new Cite(input.data);
    const csl = cite.data.map((item) => {
      const { _graph, ...rest } = item;
      return rest;
    });
    const bibliography = input.style
      ? cite.format('bibliography', { template: input.style, format: 'text', lang: 'en-US' }).trim()
      : null;
    return { csl, bibliography };
  } catch (error) {
    return { error: String(error && error.message ? error.message : error) };
  }
});
process.stdout.write(JSON.stringify(results));
