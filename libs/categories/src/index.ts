/**
 * The assistance categories (帮扶类别) of DOMAIN.md: reference vocabulary every context speaks
 * (needs are filed under one, organizations serve some, matching and push compare them, the
 * dashboard breaks figures down by them). Owned by no single context.
 */
export const CATEGORIES = ['industry', 'employment', 'consumption', 'health', 'education', 'volunteer', 'greening', 'care'] as const;
export type Category = (typeof CATEGORIES)[number];

export const CATEGORY_LABELS: Record<Category, string> = {
  industry: '产业帮扶',
  employment: '就业帮扶',
  consumption: '消费帮扶',
  health: '健康帮扶',
  education: '教育帮扶',
  volunteer: '志愿帮扶',
  greening: '绿美广东',
  care: '特殊群体暖心关爱',
};
