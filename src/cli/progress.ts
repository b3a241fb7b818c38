import cliProgress from 'cli-progress';

/** How far an import is: rows handled, bytes of the file read so far. */
export interface ProgressState {
  rows: number;
  bytesRead: number;
}

export interface Progress {
  update(state: ProgressState): void;
  stop(state: ProgressState): void;
}

const PLAIN_EVERY_ROWS = 5_000;
const PLAIN_EVERY_MS = 2_000;

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes}m${String(Math.round(seconds % 60)).padStart(2, '0')}s` : `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/**
 * Progress of an import on stderr: a bar (count, rows/s, ETA from the bytes read) when stderr
 * is a terminal, else a plain line every few thousand rows or seconds.
 */
export function createProgress(totalBytes: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const started = Date.now();
  const rate = (rows: number) => rows / Math.max((Date.now() - started) / 1000, 0.001);
  const eta = (bytesRead: number) => {
    const elapsed = (Date.now() - started) / 1000;
    return bytesRead > 0 ? ((totalBytes - bytesRead) * elapsed) / bytesRead : Infinity;
  };

  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: 'importing [{bar}] {percentage}% | {rows} rows | {rate} rows/s | ETA {etaText}',
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(Math.max(totalBytes, 1), 0, { rows: 0, rate: 0, etaText: '?' });
    const payload = (state: ProgressState) => ({ rows: state.rows, rate: Math.round(rate(state.rows)), etaText: formatSeconds(eta(state.bytesRead)) });
    return {
      update: (state) => bar.update(Math.min(state.bytesRead, totalBytes), payload(state)),
      stop: (state) => {
        bar.update(totalBytes, payload(state));
        bar.stop();
      },
    };
  }

  let lastRows = 0;
  let lastAt = started;
  const line = (state: ProgressState) => {
    const percent = totalBytes > 0 ? Math.min(100, Math.round((state.bytesRead / totalBytes) * 100)) : 100;
    stream.write(`import: ${state.rows} rows (${percent}%), ${Math.round(rate(state.rows))} rows/s, ETA ${formatSeconds(eta(state.bytesRead))}\n`);
  };
  return {
    update(state) {
      const now = Date.now();
      if (state.rows - lastRows >= PLAIN_EVERY_ROWS || now - lastAt >= PLAIN_EVERY_MS) {
        lastRows = state.rows;
        lastAt = now;
        line(state);
      }
    },
    stop(state) {
      if (state.rows !== lastRows) line({ ...state, bytesRead: totalBytes });
    },
  };
}
