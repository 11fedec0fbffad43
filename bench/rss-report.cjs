// Preloaded into a child (`--require`) when /usr/bin/time is absent: writes the process's peak RSS (KiB)
// to $BENCH_RSS_FILE when it exits.
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  const file = process.env.BENCH_RSS_FILE;
  if (file) writeFileSync(file, JSON.stringify({ maxRSS: process.resourceUsage().maxRSS }));
});
