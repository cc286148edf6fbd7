import { writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { createFontSet } from '../../src/cards/fonts.ts';
import { CardPdf, LayerCache } from '../../src/cards/render.ts';
import { loadTemplate, worstCase } from '../../src/cards/template.ts';
import { nodeFontFiles, nodeTemplateFiles } from '../../src/io/card-files.ts';

it('spike', async () => {
  let t0 = performance.now();
  const fonts = createFontSet(nodeFontFiles);
  const tpl = loadTemplate(nodeTemplateFiles, 'default', fonts);
  console.log('load', performance.now() - t0);
  const cache = new LayerCache();
  for (let k = 0; k < 8; k++) {
    t0 = performance.now();
    const pdf = await CardPdf.create(fonts, tpl, 'single', { cache });
    const d = worstCase();
    d.headName = '王䶮'; d.members = [{ name: '王䶮', relationship: '户主' }, { name: '吉𠮷', relationship: '配偶' }, { name: '张堃犇昇', relationship: '子' }];
    await pdf.add(d);
    const bytes = await pdf.save();
    console.log('card', performance.now() - t0, bytes.length);
    writeFileSync('/tmp/card.pdf', bytes);
  }
  t0 = performance.now();
  const pdf = await CardPdf.create(fonts, tpl, 'sheet');
  for (let i = 0; i < 1000; i++) await pdf.add(worstCase());
  const bytes = await pdf.save();
  console.log('1000 sheet', performance.now() - t0, bytes.length, process.memoryUsage().rss / 1e6);
  writeFileSync('/tmp/sheet.pdf', bytes);
}, 120_000);
