import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../src-renderer/App.vue';
import { fakeMl, fakeStudio, mountWithStudio } from './fake-studio';

// Unmounting aborts each app's window listeners (shortcuts) so tests cannot see each other's.
enableAutoUnmount(afterEach);

describe('status bar', () => {
  it('names the backend and adapter once the ML worker is ready', async () => {
    const ml = fakeMl({
      backend: 'webgpu',
      adapter: 'SwiftShader Device (Subzero)',
      tried: [{ name: 'webgpu', ok: true }],
    });
    const wrapper = mountWithStudio(App, fakeStudio(), { ml });
    await flushPromises();
    expect(wrapper.find('[data-testid="status-backend"]').text()).toBe(
      'Backend: WebGPU · SwiftShader Device (Subzero)',
    );
  });

  it('names a fallback backend without an adapter', async () => {
    const ml = fakeMl({
      backend: 'wasm',
      adapter: null,
      tried: [
        { name: 'webgpu', ok: false, error: 'WebGPU is not available' },
        { name: 'webgl', ok: false, error: 'webgl failed to initialise' },
        { name: 'wasm', ok: true },
      ],
    });
    const wrapper = mountWithStudio(App, fakeStudio(), { ml });
    await flushPromises();
    const status = wrapper.find('[data-testid="status-backend"]');
    expect(status.text()).toBe('Backend: WASM');
    expect(status.attributes('title')).toContain('WebGPU: WebGPU is not available');
  });

  it('says how WASM runs: SIMD and its threads (one thread when the page is not isolated)', async () => {
    for (const [threads, text] of [[2, 'Backend: WASM · SIMD · 2 threads'], [1, 'Backend: WASM · SIMD · 1 thread']] as const) {
      const ml = fakeMl({ backend: 'wasm', adapter: null, wasm: { simd: true, threads }, tried: [{ name: 'wasm', ok: true }] });
      const wrapper = mountWithStudio(App, fakeStudio(), { ml });
      await flushPromises();
      expect(wrapper.find('[data-testid="status-backend"]').text()).toBe(text);
      wrapper.unmount();
    }
  });

  it('says Starting… until the worker answers, and says so when every backend fails', async () => {
    const starting = mountWithStudio(App, fakeStudio(), { ml: fakeMl(null) });
    await flushPromises();
    expect(starting.find('[data-testid="status-backend"]').text()).toBe('Backend: Starting…');
    starting.unmount();

    const failed = mountWithStudio(App, fakeStudio(), {
      ml: fakeMl({ backend: null, adapter: null, tried: [{ name: 'cpu', ok: false, error: 'boom' }] }),
    });
    await flushPromises();
    expect(failed.find('[data-testid="status-backend"]').text()).toBe('Backend: none available');
  });

  it('counts running jobs from job:updated events', async () => {
    const studio = fakeStudio();
    const wrapper = mountWithStudio(App, studio);
    await flushPromises();
    const job = {
      id: 'j1', kind: 'import', title: 'Import MNIST', status: 'running' as const, progress: 0.2,
      message: '', startedAt: '2025-01-02T03:04:05.000Z', endedAt: null, error: null,
    };
    studio.emit('job:updated', job);
    await flushPromises();
    expect(wrapper.find('[data-testid="status-jobs"]').text()).toBe('1 running job');
    studio.emit('job:updated', { ...job, status: 'done', progress: 1, endedAt: '2025-01-02T03:05:05.000Z' });
    await flushPromises();
    expect(wrapper.find('[data-testid="status-jobs"]').text()).toBe('No running jobs');
  });
});
