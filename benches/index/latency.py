"""Query latency one document at a time through a pipe, and the query process's peak memory.

    python3 benches/index/latency.py REPRINT INDEX QUERIES.jsonl [N]

Starts `REPRINT query - --index INDEX`, writes one line of QUERIES.jsonl, waits for its answer,
and so on for N lines (default 1000); prints the median, 99th percentile and mean latency per
document and the process's peak resident memory (VmHWM).
"""
import statistics
import subprocess
import sys
import time

bin_, index, queries = sys.argv[1:4]
n = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
lines = [l for l in open(queries, encoding="utf-8") if l.strip()][:n]
p = subprocess.Popen([bin_, "query", "-", "--index", index] + sys.argv[5:], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
times = []
matched = 0
for l in lines:
    t = time.perf_counter()
    p.stdin.write(l.encode("utf-8"))
    p.stdin.flush()
    answer = p.stdout.readline()
    times.append(time.perf_counter() - t)
    matched += b'"matches":[]' not in answer
hwm = [l for l in open(f"/proc/{p.pid}/status") if l.startswith("VmHWM")][0].split()[1]
p.stdin.close()
p.wait()
times.sort()
ms = lambda x: f"{x * 1000:.2f} ms"
print(f"{len(times)} queries ({matched} with matches): median {ms(statistics.median(times))}, "
      f"p99 {ms(times[int(len(times) * 0.99) - 1])}, mean {ms(statistics.mean(times))}; "
      f"peak RSS {int(hwm) / 1024:.0f} MB")
