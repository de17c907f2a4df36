// Spanish and English, and the light / dark theme.
//
// The expected Spanish strings are written here by hand (not read from the app), and for each
// view a set of English interface labels must be gone from the page once Spanish is chosen.
import { Page } from '@playwright/test';
import { test, expect, SeqmixPage, trainDelayedCopy } from './fixtures';

// A Spanish sentence, so that the tokens on screen are not English words either.
const SPANISH_TEXT = 'El gato que el perro persiguió subió al viejo árbol, y el perro esperó abajo.';

type ViewText = { spanish: string[]; english: string[] };

// Header, navigation and sentence input: on every view.
const shell: ViewText = {
  spanish: [
    'Frase',
    'Todos los pesos son valores aleatorios generados a partir de la semilla (sin entrenar).',
    'Flujo', 'Desvanecimiento', 'Scan paralelo', 'Coste', 'Tema', 'claro', 'oscuro',
  ],
  english: [
    // ("Cost" is left out: it is inside "Coste".)
    'Sentence', 'All weights are random draws', 'How CNNs, transformers', 'Fading', 'Theme',
    'light', 'dark',
  ],
};

const views: Record<string, ViewText> = {
  flow: {
    spanish: [
      'Flujo: quién ve a quién, y tras cuántos pasos', 'comparar dos modelos', 'ancho del embedding d_model',
      'valores por defecto', 'ajustes predefinidos', 'escala de color', 'Cómo leerlo',
      'pasos secuenciales', 'reproducir', 'velocidad', 'capas', 'paso 0: solo los tokens',
    ],
    english: [
      'who sees whom', 'compare two models', 'embedding width', 'reset to defaults', 'presets:',
      'colour scale', 'Token embeddings', 'How to read this', 'sequential steps', 'exact influence',
      'computing columns', 'layers', 'speed', 'play', 'only the token', 'shallow', 'deep', 'dilated',
    ],
  },
  fading: {
    spanish: [
      'Desvanecimiento: cómo se apaga el contexto con la distancia', 'Posición de salida i',
      'formas cerradas (discontinuas)', 'Selectividad: Mamba elige token a token', 'Regla: Δ_t', 'RNN lineal',
      'recuerda ≈', 'Desvanecer y explotar: una RNN, tres radios espectrales', 'radio espectral ρ(W)',
    ],
    english: [
      'How strongly', 'Output position', 'closed forms', 'remembers', 'Curve values', 'Selectivity',
      'Vanishing and exploding', 'Linear RNN', 'How to read this', 'decay r', 'spectral radius',
      'receptive field', 'marked tokens', 'Rule:', 'of max',
    ],
  },
  scan: {
    spanish: [
      'Scan: una recurrencia lineal en O(log n) pasos paralelos', 'elementos n', 'origen', 'algoritmo',
      'trabajo: 0 /', 'profundidad: 0 /', '✓ coincide con el bucle secuencial', '¿Por qué no una RNN con tanh?',
      'nivel 0 /', 'Un canal real de un bloque Mamba', 'deshacer mis cambios',
    ],
    english: [
      'a linear recurrence in', 'elements n', 'source', 'algorithm', 'Mamba channel on the sentence',
      'work:', 'depth:', 'matches the sequential loop', 'Hover a node', 'Operator', 'earlier operand',
      'undo my edits', 'Work and depth', 'Why not a tanh RNN', 'How to read this', 'One real channel',
      'press ▶|', 'level ', 'Measured:', 'sequential (one combine',
    ],
  },
  cost: {
    spanish: [
      'Coste: lo que paga cada modelo cuando crece la secuencia', 'Contado (teoría)', 'Magnitud',
      'multiplicaciones-sumas por pasada hacia delante', 'Medido en este navegador', 'Medir', 'Cancelar',
      'Descargar CSV', 'Aún no se ha ejecutado.', 'pendiente contada', 'RNN lineal',
    ],
    english: [
      'What each model costs', 'Counted (theory)', 'Quantity', 'multiply-adds per forward pass', 'How to read this',
      'Measured in this browser', 'Run measurement', 'Download CSV', 'Not run yet', 'form timed',
      'counted slope', 'fitted exponent', 'needs two points', 'causal convolution', 'largest n', 'Linear RNN',
    ],
  },
  ssm: {
    spanish: [
      'SSM: de dónde vienen los modelos de espacio de estados', '1 · Discretización', 'escalón unitario',
      'estabilidad', 'mayor error', '2 · HiPPO: el estado como memoria comprimida del pasado', 'paseo aleatorio',
      '3 · Estructura: una A diagonal da el núcleo en forma cerrada', 'estados guardados', 'bilineal',
    ],
    english: [
      'where state-space models come from', 'Discretization', 'unit step', 'held per token', 'How to read',
      'largest error', 'stability', 'Euler is stable only', 'compressed memory', 'random walk', 'state size',
      'time t', 'Structure', 'initialisation', 'kernel of length', 'stored states', 'recurrence', 'bilinear',
    ],
  },
  learn: {
    spanish: [
      'Aprender: ¿qué familias pueden recordar?', 'Cada familia se entrena aquí, en tu navegador', 'tarea',
      'Copia con retardo', 'Copia selectiva', 'Recuperación asociativa', 'longitud del relleno', 'familias',
      'Un ejemplo de la tarea (semilla, ejemplo 0)', 'Parámetros entrenados:', 'RNN lineal', 'Entrenar', 'Pausar',
      'Continuar', 'Elige una tarea y las familias, y pulsa Entrenar.', 'Lo esperado (Gu y Dao 2023, tabla 1)',
      'pérdida (últimos 50 pasos)', 'acierto en ejemplos nuevos (256 ejemplos)', 'Frente a la literatura',
      'Entrena algunos modelos para compararlos con estos resultados.',
    ],
    english: [
      'which families can remember', 'Each family is trained here', 'Delayed copy', 'Selective copying',
      'Associative recall', 'noise length', 'families', 'An example of the task', 'Trained parameters',
      'Linear RNN', 'Pause', 'Resume', 'Choose a task', 'Expected', 'Loss per model', 'Accuracy at the answer',
      'last 50 steps', 'held-out', 'Against the literature', 'Train some models', 'Four tokens are scattered',
    ],
  },
};

// Accessible names and tooltips (not in the text) that must be Spanish too.
const englishAttributes = [
  'Animation player', 'Reset to step 0', 'Play / pause (space)', 'Step forward', 'Views', 'Input sentence',
  'Curves shown', 'Influence against distance', 'Counted cost against', 'Exact output and', 'Nodes of the scan',
  'Training loss per model', 'Accuracy on the answers per model',
];

/** Everything a reader meets: the text of the page (closed <details>, <option>s included). */
async function pageText(page: Page): Promise<string> {
  return (await page.locator('body').textContent()) ?? '';
}

async function attributeTexts(page: Page): Promise<string[]> {
  return page.$$eval('[aria-label], [title]', (els) =>
    els.flatMap((el) => [el.getAttribute('aria-label') ?? '', el.getAttribute('title') ?? '']).filter(Boolean),
  );
}

async function toSpanish(app: SeqmixPage, page: Page) {
  await expect(page.getByTestId('lang-toggle')).toHaveText('Español');
  await page.getByTestId('lang-toggle').click();
  await expect(page.getByTestId('lang-toggle')).toHaveText('English');
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
}

test('English by default in an English browser; <html lang> follows the toggle', async ({ app, page }) => {
  await app.open();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByTestId('nav-flow')).toHaveText('Flow');
  await toSpanish(app, page);
  await expect(page.getByTestId('nav-flow')).toHaveText('Flujo');
  await page.getByTestId('lang-toggle').click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByTestId('nav-flow')).toHaveText('Flow');
  await expect(page.getByTestId('view-flow')).toContainText('Flow: who sees whom, and after how many steps');
});

for (const [view, text] of Object.entries(views)) {
  test(`${view}: Spanish labels replace the English ones`, async ({ app, page }) => {
    await app.open();
    await page.getByTestId('text-input').fill(SPANISH_TEXT);
    await app.show(view);
    // English first: a few of the labels really are there (so their absence later means something).
    const before = await pageText(page);
    for (const label of text.english.slice(0, 3)) expect(before).toContain(label);
    await toSpanish(app, page);
    await expect(app.view(view)).toContainText(text.spanish[0]);
    const after = await pageText(page);
    for (const label of [...text.spanish, ...shell.spanish]) expect(after, `Spanish "${label}"`).toContain(label);
    for (const label of [...text.english, ...shell.english]) expect(after, `English "${label}" left`).not.toContain(label);
    const attributes = (await attributeTexts(page)).join(' | ');
    for (const label of englishAttributes) expect(attributes, `English attribute "${label}" left`).not.toContain(label);
    await page.getByTestId('theme-toggle').selectOption('dark');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await app.screenshot(`i18n-${view}-es-dark`);
  });
}

test('notices and messages are translated too, and switch back', async ({ app, page }) => {
  await app.open();
  await toSpanish(app, page);
  const input = page.getByTestId('text-input');
  await input.fill('   ');
  await expect(page.getByTestId('text-notice')).toHaveText(
    'Aún no hay palabras: escribe una frase para ver los modelos funcionar sobre ella.',
  );
  await input.fill('palabra '.repeat(70));
  await expect(page.getByTestId('text-notice')).toHaveText('Se muestran los primeros 64 de 70 tokens.');
  await page.getByTestId('seed-input').fill('-3');
  await page.getByTestId('seed-input').press('Enter');
  await expect(page.locator('.sentence')).toContainText('«-3» no es una semilla: usa un número entero de 0 a');
  // Scan: an edited value that is not a number, then one outside the limits.
  await app.show('scan');
  await page.getByTestId('scan-input-a-0').fill('abc');
  await page.getByTestId('scan-input-a-0').press('Enter');
  await expect(page.getByTestId('scan-edit-notice')).toContainText('«abc» no es un número');
  // Numbers keep their formatting; switching back gives the English words again.
  await page.getByTestId('lang-toggle').click();
  await expect(page.getByTestId('scan-edit-notice')).toContainText('“abc” is not a number');
  await expect(page.getByTestId('step-counter')).toHaveText(/^level 0 \/ \d+$/);
});

test('learn: a short run in Spanish gives Spanish results, and Flow and the header say the weights are trained', async ({ app, page }) => {
  test.setTimeout(180_000);
  await app.open();
  await toSpanish(app, page);
  await app.show('learn');
  await trainDelayedCopy(page, ['transformer', 'mamba']);
  await expect(page.locator('.learn-status')).toHaveText(
    'terminado: 200 pasos; el acierto en 256 ejemplos nuevos está en la tabla',
  );
  await expect(page.getByTestId('learn-eval-mamba')).toHaveText(/^\d+% \(pérdida \d+\.\d{3}\)$/);
  // Delayed copy does not test the selective-copying claim; it does test Repeat After Me.
  await expect(page.getByTestId('learn-verdict-0')).toHaveText(
    'Estas ejecuciones no lo ponen a prueba: entrena Mamba y un modelo invariante en el tiempo (la CNN, S4D o la RNN lineal) en la copia selectiva.',
  );
  await expect(page.getByTestId('learn-verdict-1')).toContainText(
    /^(Estas ejecuciones lo confirman|Estas ejecuciones no lo muestran|No concluyente)/,
  );
  const text = await pageText(page);
  for (const label of ['Open in Flow', 'after training', 'These runs', 'Not tested', 'Inconclusive', '(loss ', 'training step']) {
    expect(text, `English "${label}" left`).not.toContain(label);
  }
  await app.screenshot('i18n-learn-es-trained');

  // Open the trained Mamba in Flow: the banner and the header note say so, in Spanish.
  const untrained = 'Todos los pesos son valores aleatorios generados a partir de la semilla (sin entrenar).';
  await expect(page.getByTestId('untrained-note')).toHaveText(untrained);
  await page.getByTestId('learn-open-flow-mamba').click();
  await expect(page.getByTestId('nav-flow')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('flow-trained-banner')).toContainText(
    'Pesos entrenados: Mamba entrenado 100 pasos en copia con retardo (separación k = ',
  );
  await expect(page.getByTestId('flow-trained-clear')).toHaveText('volver a los pesos aleatorios y a la frase');
  await expect(page.getByTestId('untrained-note')).toHaveText(
    'Flujo muestra pesos entrenados en la vista Aprender; las otras vistas usan pesos aleatorios generados a partir de la semilla (sin entrenar).',
  );
  await app.screenshot('i18n-learn-es-open-in-flow');
  await page.getByTestId('lang-toggle').click();
  await expect(page.getByTestId('flow-trained-banner')).toContainText('Trained weights: Mamba trained 100 steps on delayed copy (gap k = ');
  await expect(page.getByTestId('untrained-note')).toHaveText(
    'Flow shows weights trained in the Learn view; the other views use random weights from the seed (untrained).',
  );
  await page.getByTestId('flow-trained-clear').click();
  await expect(page.getByTestId('untrained-note')).toHaveText('All weights are random draws from the seed (untrained).');
});

test.describe('in a Spanish browser', () => {
  test.use({ locale: 'es-AR' });

  test('Spanish is the default', async ({ app, page }) => {
    await app.open();
    await expect(page.locator('html')).toHaveAttribute('lang', 'es');
    await expect(page.getByTestId('lang-toggle')).toHaveText('English');
    await expect(page.getByTestId('nav-fading')).toHaveText('Desvanecimiento');
    await expect(page.getByTestId('step-counter')).toHaveText(/^paso 0 \/ \d+$/);
    // …and it starts from a Spanish example sentence.
    await expect(page.getByTestId('token-row').locator('li').first()).toHaveText('el');
    await expect(page).toHaveTitle('seqmix — cómo mezclan la información los modelos de secuencias');
  });
});

/** The page's background colour as the browser computes it. */
async function background(page: Page): Promise<string> {
  return page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
}

/** The colour of one pixel near the top-left corner of a canvas (inside the chart margin). */
async function cornerPixel(page: Page, testId: string): Promise<number[]> {
  return page.getByTestId(testId).evaluate((el) => {
    // Copied to a fresh canvas made for reading, so repeated reads raise no console warning.
    const probe = document.createElement('canvas');
    probe.width = probe.height = 1;
    const ctx = probe.getContext('2d', { willReadFrequently: true })!;
    ctx.drawImage(el as HTMLCanvasElement, 2, 2, 1, 1, 0, 0, 1, 1);
    return Array.from(ctx.getImageData(0, 0, 1, 1).data.slice(0, 3));
  });
}

test('the theme toggle switches data-theme, the page background and the chart background', async ({ app, page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await app.open();
  await app.show('fading');
  // "system" follows the browser: light here.
  await expect(page.getByTestId('theme-toggle')).toHaveValue('system');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  // The light and dark page colours of style/main.css (#fbfbf8 and #15181c).
  expect(await background(page)).toBe('rgb(251, 251, 248)');
  await expect.poll(() => cornerPixel(page, 'fading-canvas')).toEqual([255, 255, 255]);

  await page.getByTestId('theme-toggle').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect.poll(() => background(page)).toBe('rgb(21, 24, 28)');
  // The canvas chart redraws on the dark panel colour (#1e2228).
  await expect.poll(() => cornerPixel(page, 'fading-canvas')).toEqual([30, 34, 40]);

  await page.getByTestId('theme-toggle').selectOption('light');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await expect.poll(() => background(page)).toBe('rgb(251, 251, 248)');

  // Back to "system", then the system itself turns dark: the page follows without a reload.
  await page.getByTestId('theme-toggle').selectOption('system');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect.poll(() => background(page)).toBe('rgb(21, 24, 28)');
  await expect.poll(() => cornerPixel(page, 'fading-canvas')).toEqual([30, 34, 40]);
});

test('screenshots of every view in both themes (English light, Spanish dark)', async ({ app, page }) => {
  await app.open();
  for (const view of Object.keys(views)) {
    await app.show(view);
    await page.getByTestId('theme-toggle').selectOption('light');
    await app.screenshot(`theme-${view}-en-light`);
  }
  await toSpanish(app, page);
  await page.getByTestId('theme-toggle').selectOption('dark');
  for (const view of Object.keys(views)) {
    await app.show(view);
    await app.screenshot(`theme-${view}-es-dark`);
  }
});
