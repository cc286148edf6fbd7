// Settings and comments cite a seed plan only for what its text says (plan-facts.ts lists that);
// figures from national policy or local practice say so.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, SETTING_KEYS } from '../../src/settings/catalogue.ts';
import { type Plan, PLAN_FACTS } from './plan-facts.ts';

/**
 * Each "第X篇：…" of a source, up to the next '；' (what follows is the system's own default), its
 * parenthetical remarks (about the seed's text, not figures of the plan) left out.
 */
function citations(source: string): Array<{ plan: Plan; text: string }> {
  return [...source.matchAll(/(第[一二三四五六七八]篇)[：:]([^；;]*)/g)]
    .map((m) => ({ plan: m[1] as Plan, text: m[2]!.replace(/（[^）]*）/g, '') }));
}

/** Figures of a text as number + unit, '1 万元' → '1万元'. */
function figures(text: string): string[] {
  return [...text.matchAll(/(\d+(?:\.\d+)?)\s*(万元|元|年|倍|天|个工作日|日|周岁|岁|%|个月|月|期|次)?/g)].map((m) => `${m[1]}${m[2] ?? ''}`);
}

/** What is wrong with a setting's source, or [] (Chinese-free messages for the test output). */
function problems(source: string): string[] {
  const out: string[] = [];
  for (const c of citations(source)) {
    const facts = PLAN_FACTS[c.plan];
    if (!facts) {
      out.push(`cites ${c.plan}, which plan-facts.ts does not describe`);
      continue;
    }
    const found = figures(c.text);
    for (const f of found) if (!(f in facts.figures)) out.push(`cites ${c.plan} for ${f}, which it does not contain`);
    // A citation without a figure must name something the plan speaks to.
    if (!found.length && !facts.says.some((p) => c.text.includes(p))) out.push(`cites ${c.plan} for "${c.text}", none of its topics`);
  }
  return out;
}

describe('setting sources', () => {
  it('find what a wrong citation gets wrong', () => {
    expect(problems('第六篇：5 万元以下')).toEqual(['cites 第六篇 for 5万元, which it does not contain']);
    expect(problems('第六篇：逾期 90 天')).toEqual(['cites 第六篇 for 90天, which it does not contain']);
    expect(problems('第六篇：约十倍')).toEqual(['cites 第六篇 for "约十倍", none of its topics']);
    expect(problems('第四篇：一次性超过 1 万元')).toEqual([]);
    expect(problems('第六篇：每半年考核评估；权重 40 分为本系统默认')).toEqual([]);
    expect(problems('国家政策（银保监发〔2021〕6号）：5 万元（含）以下')).toEqual([]);
    expect(problems('第九篇：x')).toEqual([]);
    expect(problems('第四篇：五种情形之一的原则上不纳入监测（种子文本只保留了第1、4、5项）')).toEqual([]);
    expect(problems('第八篇：每月')).toEqual(['cites 第八篇, which plan-facts.ts does not describe']);
  });

  it.each(SETTING_KEYS)('%s cites a plan only for what it says', (key) => {
    expect(problems(CATALOGUE[key].source)).toEqual([]);
  });

  it.each([
    'credit.max_amount_fen', 'credit.max_term_months', 'credit.borrower_age_range', 'credit.rate_rule', 'credit.extension_limits',
    'credit.renewal_limits',
  ] as const)('%s cites national policy (银保监发〔2021〕6号)', (key) => {
    expect(CATALOGUE[key].source).toMatch(/^国家政策（银保监发〔2021〕6号/);
  });

  it.each(['credit.leverage_multiple', 'credit.compensation_fund_share_bp', 'credit.overdue_signal_days', 'credit.interest_subsidy_bp'] as const)(
    '%s is local practice', (key) => {
      expect(CATALOGUE[key].source).toMatch(/^(地方|某县|某省)做法/);
    },
  );
});

describe('code comments', () => {
  /** Lines of src/ that cite 第六篇 next to a figure it does not contain (national policy or local practice). */
  function offending(): string[] {
    const out: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.tsx?$/.test(name) && !path.endsWith('catalogue.ts')) {
          readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
            if (line.includes('第六篇') && /LPR|贴息|5\s*万|3\s*年|18|65|10\s*[×x倍]|8:2|90\s*天/.test(line)) out.push(`${path}:${i + 1}`);
          });
        }
      }
    };
    walk('src');
    return out;
  }

  it('cite 第六篇 for none of 5 万 / 3 年 / 18–65 / LPR / 贴息 / 10× / 8:2 / 90 days', () => {
    expect(offending()).toEqual([]);
  });
});
