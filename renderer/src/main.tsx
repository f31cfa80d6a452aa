import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { subscribeProgress } from './stores/jobs';
import { guardVisibleText } from './lib/visibleGuard';
import './styles.css';

subscribeProgress();
// A file dropped outside the drop zone must not make the window navigate to it.
window.addEventListener('dragover', (e) => e.preventDefault());
window.addEventListener('drop', (e) => e.preventDefault());
// Bundle text with control, bidi or invisible characters is shown as visible tokens everywhere (dialogs and menus too).
guardVisibleText(document.body);
const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
