import path from 'node:path';

/** What the Electron seat needs to start; read from the environment with defaults. */
export interface ElectronSeatConfig {
  /** Folder holding renderer/dist (the app root when packaged). */
  readonly appRoot: string;
  readonly dataDir: string;
  readonly hubUrl: string;
}

export function loadElectronSeatConfig(
  env: NodeJS.ProcessEnv,
  userDataDir: string,
): ElectronSeatConfig {
  const hubUrl = env.HUB_URL ?? 'http://127.0.0.1:4000';
  try {
    new URL(hubUrl);
  } catch {
    throw new Error(`HUB_URL is not a valid URL: ${hubUrl}`);
  }
  return {
    appRoot: env.HOTLINE_APP_ROOT ?? path.resolve(__dirname, '..', '..'),
    dataDir: env.SEAT_DATA_DIR ?? path.join(userDataDir, 'seat'),
    hubUrl,
  };
}
