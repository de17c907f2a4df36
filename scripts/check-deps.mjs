// Offline dependency check: every crate in the resolved graph (Cargo.lock, all targets) has a
// licence from the allow-list, and no banned crate (network clients, native TLS) is pulled in.
// Reads `cargo metadata --offline`, so it needs nothing beyond what the build already fetched.
import { execFileSync } from 'node:child_process';

const allowed = new Set([
  'MIT', 'Apache-2.0', 'Apache-2.0 WITH LLVM-exception', 'BSD-2-Clause', 'BSD-3-Clause', 'ISC',
  'Zlib', 'Unicode-3.0', 'Unicode-DFS-2016', 'CC0-1.0', 'BSL-1.0', '0BSD', 'MPL-2.0', 'Unlicense',
]);
const banned = new Set(['openssl', 'openssl-sys', 'native-tls', 'reqwest', 'hyper', 'curl', 'curl-sys', 'ureq']);

const meta = JSON.parse(
  execFileSync('cargo', ['metadata', '--format-version', '1', '--offline', '--locked'], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  }),
);

// True when an SPDX expression is satisfied by the allow-list (OR: any side; AND: both sides).
function licenceOk(expr) {
  const e = expr.replace(/\//g, ' OR ').trim();
  const orParts = splitTop(e, ' OR ');
  if (orParts.length > 1) return orParts.some(licenceOk);
  const andParts = splitTop(e, ' AND ');
  if (andParts.length > 1) return andParts.every(licenceOk);
  const bare = e.replace(/^\((.*)\)$/, '$1').trim();
  if (bare !== e) return licenceOk(bare);
  return allowed.has(bare);
}

function splitTop(s, sep) {
  const parts = [];
  let depth = 0, start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')') depth--;
    else if (depth === 0 && s.startsWith(sep, i)) {
      parts.push(s.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  parts.push(s.slice(start));
  return parts.map((p) => p.trim());
}

const problems = [];
for (const pkg of meta.packages) {
  if (banned.has(pkg.name)) problems.push(`banned crate ${pkg.name} ${pkg.version}`);
  if (!pkg.license) problems.push(`${pkg.name} ${pkg.version}: no SPDX licence declared`);
  else if (!licenceOk(pkg.license)) problems.push(`${pkg.name} ${pkg.version}: licence "${pkg.license}" is not allowed`);
}
console.log(`checked ${meta.packages.length} crates: ${problems.length} problem(s)`);
for (const p of problems) console.log(`  ${p}`);
process.exit(problems.length ? 1 : 0);
