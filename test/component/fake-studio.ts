/**
 * Test doubles at the bridge level: a real StudioApi over an in-memory transport whose channel
 * handlers the test supplies, a fake ML client, and a mount helper that installs them.
 */
import { flushPromises, mount, type ComponentMountingOptions, type VueWrapper } from '@vue/test-utils';
import { createPinia } from 'pinia';
import type { Component } from 'vue';
import { StudioError, toErrorData, type Result } from '../../src-shared/errors';
import { createStudioApi } from '../../src-shared/ipc/api';
import type {
  AppInfo,
  Channel,
  EventName,
  EventOf,
  ProjectView,
  RequestOf,
  ResponseOf,
} from '../../src-shared/ipc/contract';
import { createManifest } from '../../src-shared/project/manifest';
import { studioPlugin } from '../../src-renderer/bridge';
import { createStudioClient } from '../../src-renderer/bridge/client';
import { createStudioI18n } from '../../src-renderer/i18n';
import type { MlClient } from '../../src-renderer/ml/ml-client';
import type { BackendReport } from '../../src-renderer/ml/backend-report';

type Handler<C extends Channel> = (req: RequestOf<C>) => ResponseOf<C> | Promise<ResponseOf<C>>;
export type FakeHandlers = { [C in Channel]?: Handler<C> };

export const APP_INFO: AppInfo = {
  name: 'Model Studio',
  version: '0.1.0',
  platform: 'linux',
  shell: 'web',
  capabilities: { nativeDialogs: false, nativeMenu: false },
  defaultParentDir: '/home/ada/Model Studio',
};

/** A ProjectView for a fresh project named `name`. */
export function projectView(name: string, dir = `/home/ada/Model Studio/${name}`): ProjectView {
  const manifest = createManifest(name, {
    id: '6f1c2d9e-2b1a-4c3d-8e7f-9a0b1c2d3e4f',
    now: new Date('2025-01-02T03:04:05.000Z'),
    appVersion: '0.1.0',
  });
  return { path: `${dir}/${name}.mstudio`, dir, manifest, migratedFrom: null };
}

/** A fake studio: `calls` records every request; `emit` pushes an event as main would. */
export function fakeStudio(handlers: FakeHandlers = {}) {
  const calls: { channel: Channel; payload: unknown }[] = [];
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  const defaults: FakeHandlers = {
    'app:info': () => APP_INFO,
    'project:current': () => null,
    'recent:list': () => [],
    'job:list': () => [],
    'dataset:list': () => [],
    'dataset:damaged': () => [],
    'baseline:leaderboard': () => [],
    'baseline:list': () => [],
  };
  const api = createStudioApi({
    async invoke(channel, payload): Promise<Result<unknown>> {
      calls.push({ channel, payload });
      const handler = (handlers[channel] ?? defaults[channel]) as ((p: unknown) => unknown) | undefined;
      try {
        if (!handler) throw new StudioError('UNSUPPORTED', `No fake for ${channel}`);
        return { ok: true, value: await handler(payload) };
      } catch (err) {
        return { ok: false, error: toErrorData(err) };
      }
    },
    subscribe(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  });
  return {
    api,
    calls,
    callsTo: (channel: Channel) => calls.filter((c) => c.channel === channel).map((c) => c.payload),
    emit<E extends EventName>(event: E, payload: EventOf<E>) {
      for (const fn of listeners.get(event) ?? []) fn(payload);
    },
  };
}

/** An ML client whose init resolves with the given report (or never, to show "Starting…"). */
export function fakeMl(report: BackendReport | null): MlClient {
  return {
    request: ((type: string) =>
      type === 'init' && report ? Promise.resolve(report) : new Promise(() => {})) as MlClient['request'],
    on: () => () => {},
    dispose: () => {},
  };
}

/** Opens the Runs section and its first run, as a person does, once the app has loaded. */
export async function openFirstRun(wrapper: VueWrapper): Promise<void> {
  await flushPromises();
  await wrapper.find('[data-testid="sidebar-runs"]').trigger('click');
  await flushPromises();
  await wrapper.find('[data-testid="run-item"]').trigger('click');
  await flushPromises();
}

/** Mounts a component with pinia, i18n and the fake studio installed as the bridge. */
export function mountWithStudio<C extends Component>(
  component: C,
  studio: ReturnType<typeof fakeStudio>,
  opts: { ml?: MlClient } & ComponentMountingOptions<C> = {},
) {
  const { ml = fakeMl(null), ...rest } = opts;
  return mount(component, {
    attachTo: document.body,
    ...rest,
    global: {
      plugins: [createPinia(), createStudioI18n(), studioPlugin(createStudioClient(studio.api), ml)],
    },
  } as ComponentMountingOptions<C>);
}
