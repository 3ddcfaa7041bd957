// JSON payload decoding, bytes -> envelope: our jsonEncoding.decode (fatal UTF-8 decode,
// JSON.parse, envelope check) against the bare TextDecoder + JSON.parse that @discordjs/ws runs.
// The fatal-TextDecoder row (no envelope check) shows how much of any gap is the UTF-8 check.
function ours(jsonEncoding, messages) {
  return (onMessage) => {
    for (const bytes of messages) onMessage(jsonEncoding.decode(bytes));
  };
}

function textDecoderParse(messages, fatal) {
  const decoder = new TextDecoder('utf-8', { fatal });
  return (onMessage) => {
    for (const bytes of messages) onMessage(JSON.parse(decoder.decode(bytes)));
  };
}

/** The JSON case over every workload. */
export function jsonCase(ours_, _peers, corpus) {
  const { jsonEncoding } = ours_.encoding;
  const groups = corpus.map((w) => ({
    workload: `${w.name}: ${w.count} messages, ${(w.bytes.json / 1e6).toFixed(2)} MB`,
    count: w.count,
    bytes: w.bytes.json,
    check: (payload, i) => payload.op === w.parsed[i].op && payload.s === w.parsed[i].s && payload.t === w.parsed[i].t,
    contenders: [
      { label: 'ours: jsonEncoding.decode', role: 'ours', run: ours(jsonEncoding, w.json) },
      { label: 'TextDecoder + JSON.parse', role: 'reference', run: textDecoderParse(w.json, false) },
      { label: 'TextDecoder({ fatal: true }) + JSON.parse', role: 'info', run: textDecoderParse(w.json, true) },
    ],
  }));
  return { id: 'json', title: 'JSON decode (bytes -> payload)', basis: 'JSON bytes', groups };
}
