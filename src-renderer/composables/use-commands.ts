/**
 * The studio's commands (new, open, close, show a section), reachable from buttons, from the
 * native menu's app:command events, and from keyboard shortcuts when the shell has no menu.
 */
import type { AppCommand } from '../../src-shared/ipc/contract';
import { useStudio } from '../bridge';
import { useLeaveGuard } from './use-leave-guard';
import { useAppStore } from '../stores/app';
import { useProjectStore } from '../stores/project';
import { SECTIONS, useUiStore, type Section } from '../stores/ui';

/** Actions the views call; each matches one AppCommand. */
export function useCommands() {
  const studio = useStudio();
  const app = useAppStore();
  const project = useProjectStore();
  const ui = useUiStore();
  const guard = useLeaveGuard();

  function newProject(): void {
    ui.dialog = 'new-project';
  }

  /** Native file dialog when the shell has one, else the typed-path dialog. */
  async function openProject(): Promise<void> {
    if (!app.nativeDialogs) {
      ui.dialog = 'open-path';
      return;
    }
    try {
      const { path } = await studio.call(studio.api.dialog.openProject({}));
      if (path) await project.open(path);
    } catch (err) {
      project.reportError(err);
    }
  }

  async function closeProject(): Promise<void> {
    if (project.isOpen) await project.close();
  }

  function showSection(section: Section): void {
    if (project.isOpen) ui.section = section;
  }

  function run(command: AppCommand): void {
    if (command === 'project.new') newProject();
    else if (command === 'project.open') void openProject();
    else if (command === 'project.close') void closeProject();
    else if (command === 'window.stopAndClose') void guard.stopAndClose();
    else showSection(command.slice('view.'.length) as Section);
  }

  /** Keyboard shortcuts for shells without a native menu (the web host). */
  function onKeydown(ev: KeyboardEvent): void {
    if (app.nativeMenu || !(ev.ctrlKey || ev.metaKey) || ev.altKey || ev.shiftKey) return;
    const key = ev.key.toLowerCase();
    const byKey: Record<string, AppCommand> = { n: 'project.new', o: 'project.open', w: 'project.close' };
    let command = byKey[key];
    const digit = Number(key);
    if (!command && digit >= 1 && digit <= SECTIONS.length) command = `view.${SECTIONS[digit - 1]!}` as AppCommand;
    if (!command) return;
    // The browser's own Ctrl+N/O/W would open a window, a file, or close the tab.
    ev.preventDefault();
    run(command);
  }

  /** Wires menu commands, OS open requests and shortcuts until the signal aborts. */
  function listen(signal: AbortSignal): void {
    studio.on('app:command', ({ command }) => run(command), { signal });
    studio.on('app:openRequest', ({ path }) => void project.open(path), { signal });
    window.addEventListener('keydown', onKeydown, { signal });
    guard.listen(signal);
  }

  return { newProject, openProject, closeProject, showSection, run, listen };
}
