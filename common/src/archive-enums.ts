// The archive's constants, free of TypeBox so the web app can import them without the schema builder.
export const TAG_TARGETS = ['person', 'household', 'both'] as const
export const GENDERS = ['male', 'female'] as const
export const ENTERPRISE_SIZES = ['micro', 'small', 'medium', 'large'] as const
export const RELATIONS = ['户主', '配偶', '子女', '儿媳', '女婿', '父母', '孙辈', '兄弟姐妹', '其他'] as const
export const POLITICAL_STATUSES = ['中共党员', '中共预备党员', '共青团员', '民主党派', '群众'] as const
export const PLACE_KINDS = ['民情角', '党群服务中心', '文化礼堂', '村民议事厅', '居家养老服务中心', '网格驿站', '其他'] as const
export const DOCUMENT_KINDS = ['身份证复印件', '户口簿', '分红记录', '低保证明', '残疾证', '房产证明', '其他'] as const
/** Documents: what may be uploaded, judged by the file's content, not its name. */
export const DOCUMENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] as const
export const DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
