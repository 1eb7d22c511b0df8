/**
 * An organization's push settings (推送设置) in a real browser, against the real embedded app with
 * the demo seed, read as its staff read them: what the page does and what each field means in plain
 * Chinese (and plain English), without the developers' words (webhook, HMAC, POST, backoff).
 */
import { expectNoSeriousViolations } from './support/axe';
import { DESKTOP, newPage, Running, screenshots, settled, signIn, startConsole } from './support/browser';

let running: Running;

beforeAll(async () => {
  running = await startConsole();
});

afterAll(async () => {
  await running?.close();
});

const JARGON = /webhook|hmac|sha-?256|\bpost\b|退避|签名/i;

describe('the push settings, as an organization’s staff read them', () => {
  it('says what pushing does and what each field means, in Chinese and in English, without developers’ words', async () => {
    const { page, context } = await newPage(running, DESKTOP);
    await signIn(page, 'org-staff');
    await page.goto('/push?tab=settings');
    const settings = page.getByTestId('push-settings');
    await settings.getByText('想接收哪些领域的需求').waitFor();
    for (const text of [
      '村里发布或修改需求时，平台会把符合下面条件的需求送到本组织的“推送动态”',
      '想接收哪些地区的需求',
      '不选表示全部都接收',
      '只接收匹配度达到多少分的需求（0–100 分）',
      '分数定得越高，收到的需求越少、越对口',
      '同时自动转发到本组织自己的系统（选填）',
      '没有就留空，本页照样能看到全部推送',
      '推送时附上本会的会员单位名单',
      '转发校验密钥（交给技术人员）',
    ]) {
      await settings.getByText(text).first().waitFor();
    }
    await settled(page);
    expect(await settings.innerText()).not.toMatch(JARGON);
    expect((await page.getByRole('tab').allInnerTexts()).map((s) => s.trim())).toContain('转发记录');
    await expectNoSeriousViolations(page, 'push settings');
    await screenshots(page, '48-push-settings');

    await page.getByText('EN', { exact: true }).click();
    await settings.getByText('Needs of which fields').waitFor();
    await settings.getByText('Also forward to your organization’s own system (optional)').waitFor();
    await settled(page);
    expect(await settings.innerText()).not.toMatch(JARGON);
    await page.getByText('中文', { exact: true }).click();
    await context.close();
  });
});
