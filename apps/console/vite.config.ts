import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * Everything the entry (src/main.tsx) imports statically, found once the module graph is built:
 * the sign-in page's code, which every page loads first. Kept in one chunk (below), because brotli
 * compresses one file better than the same code spread over several, as the automatic splitting
 * does when lazy pages share parts of it.
 */
const firstLoaded = new Set<string>();
// The Ant Design parts the sign-in page uses: the barrels (antd, @ant-design/icons) import every
// component and icon statically, which tree shaking drops, so those are named here instead. Of the
// form, only the contexts its inputs read: the sign-in page's fields are plain HTML around them.
const ANTD_FIRST = new Set(['_util', 'style', 'theme', 'config-provider', 'locale', 'version', 'button', 'input', 'alert', 'segmented', 'grid', 'space', 'tooltip']);
const ANTD_FORM_FIRST = /[\\/]form[\\/](context|validateMessagesContext|hooks[\\/]useVariants)\.js$/;
const RC_FIRST = new Set(['util', 'input', 'trigger', 'motion', 'resize-observer', 'segmented', 'tooltip', 'portal', 'textarea', 'context']);
function mayBeFirst(id: string): boolean {
  const antd = /node_modules[\\/]antd[\\/]es[\\/]([^\\/]+)[\\/]/.exec(id);
  if (antd) return ANTD_FIRST.has(antd[1]) || ANTD_FORM_FIRST.test(id);
  const rc = /node_modules[\\/]@rc-component[\\/]([^\\/]+)[\\/]/.exec(id);
  if (rc) return RC_FIRST.has(rc[1]);
  return !/node_modules[\\/]@ant-design[\\/]icons[\\/]es[\\/]index\.js$/.test(id);
}
function findFirstLoaded(): Plugin {
  return {
    name: 'shecun-first-loaded',
    apply: 'build',
    buildEnd() {
      firstLoaded.clear();
      const entry = [...this.getModuleIds()].find((id) => /[\\/]src[\\/]main\.tsx$/.test(id));
      const queue = entry ? [entry] : [];
      while (queue.length > 0) {
        const id = queue.pop()!;
        if (firstLoaded.has(id) || !mayBeFirst(id)) continue;
        firstLoaded.add(id);
        queue.push(...(this.getModuleInfo(id)?.importedIds ?? []));
      }
    },
  };
}

/** The console is served by the standalone app at `/`; in `npm run dev` the API is proxied to it. */
export default defineConfig({
  plugins: [react(), findFirstLoaded()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // dist/.vite/manifest.json: which chunks each page loads, for the weight budget (scripts/budget.js).
    manifest: true,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [{ name: 'first', test: (id: string) => firstLoaded.has(id), priority: 10 }],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': process.env.SHECUN_API ?? 'http://localhost:3000',
      '/health': process.env.SHECUN_API ?? 'http://localhost:3000',
    },
  },
});
