/**
 * The sign-in page the needs journey starts from (needs-journey.browser.spec.ts), in a real browser
 * against the real embedded app with the demo seed: the demo accounts, a refused password, the
 * language switch, and signing out from the account menu. Photographed at phone, tablet and desktop size under test/browser/artifacts/.
 */
import { DESKTOP, newPage, Running, screenshots, sees, signIn, startConsole } from './support/browser';

let running: Running;

beforeAll(async () => {
  running = await startConsole();
});

afterAll(async () => {
  await running?.close();
});

describe('the needs journey in the console', () => {
  it('greets in Chinese with the demo accounts, and switches to English', async () => {
    const { page } = await newPage(running, DESKTOP);
    await page.goto('/');
    await sees(page, '演示账号');
    await sees(page, '村联络员');
    await screenshots(page, '01-login');
    // A wrong password is refused in plain Chinese, and the username stays.
    await page.getByTestId('login-username').fill('coordinator');
    await page.getByTestId('login-password').fill('wrong-password');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('error-alert').getByText('用户名或密码错误').waitFor();
    expect(await page.getByTestId('login-username').inputValue()).toBe('coordinator');
    await page.getByText('EN', { exact: true }).click();
    await sees(page, 'Demo accounts');
    await sees(page, 'Village coordinator');
    await page.getByText('中文', { exact: true }).click();
    await sees(page, '演示账号');
    await page.context().close();
  });

  it('opens in English, its texts loaded first, when English was chosen on an earlier visit', async () => {
    const { page } = await newPage(running, DESKTOP);
    await page.goto('/');
    await sees(page, '演示账号');
    await page.evaluate("localStorage.setItem('shecun.lang', 'en')");
    await page.reload();
    await sees(page, 'Demo accounts');
    expect(await page.evaluate('document.documentElement.lang')).toBe('en');
    expect(await page.getByText('演示账号').count()).toBe(0);
    await page.context().close();
  });

  it('names who is signed in, in which role, in the account menu, and signs out from it', async () => {
    const { page } = await newPage(running, DESKTOP);
    await signIn(page, 'coordinator');
    await page.getByTestId('user-menu').click();
    const menu = page.getByTestId('account-menu');
    await menu.getByText(/coordinator · 村联络员/).waitFor();
    await menu.getByText('退出登录').click();
    await page.getByTestId('login').waitFor();
    expect(await page.getByTestId('user-menu').count()).toBe(0);
    await page.context().close();
  });
});
