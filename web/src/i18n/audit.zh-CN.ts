/** 审计日志 (console audit page) messages, Chinese. Spread into zh-CN.ts (`...auditZhCN`). */
export const auditZhCN = {
  audit: {
    nav: '审计日志',
    title: '审计日志',
    intro: '谁查看了哪位群众的完整号码、谁导出或导入了什么、谁改了哪项设置。只显示本人辖区内的记录;全县性设置与登录记录仅县级可见。',
    person: '涉及人员',
    personPlaceholder: '输入姓名搜索人员',
    actor: '操作人',
    actorPlaceholder: '操作人姓名或手机号',
    group: '操作类别',
    timeRange: '时间范围',
    from: '开始时间',
    to: '结束时间',
    at: '时间',
    action: '操作',
    entity: '对象',
    region: '区域',
    ip: 'IP 地址',
    details: '详情',
    system: '系统',
    filteredByPerson: '正在查看 {name} 的访问记录',
    clearPerson: '清除',
    viewRecords: '访问记录',
    noDetails: '无',
    groups: {
      reveal: '查看号码',
      export: '导出/下载',
      import: '导入',
      user: '用户管理',
      security: '登录与安全',
      setting: '设置变更',
      other: '其他',
    },
    // Nested by the action's dots: t(`audit.actions.${action}`) finds them.
    actions: {
      archive: {
        reveal: '查看完整号码',
        lookup: '按号码查人',
        export: '导出档案',
        import: '导入档案',
        person_create: '人员建档',
        person_update: '修改人员档案',
        person_import: '导入人员档案',
        document_download: '下载档案资料',
        lookup_refused: '按号码查人(被限)',
        id_duplicate: '身份证号已在他处建档',
      },
      import: {
        report: {
          download: '下载导入报告',
        },
      },
      cases: {
        import: '导入事项',
      },
      user: {
        create: '新建用户',
        update: '修改用户',
      },
      auth: {
        login: '登录',
        password_change: '修改密码',
      },
      category: {
        create: '新建分类',
        update: '修改分类',
      },
      routing_rule: {
        upsert: '设置分派规则',
      },
      region: {
        create: '新建网格',
        rename: '区域改名',
      },
      unit: {
        create: '新建单位',
        update: '修改单位',
      },
      tag: {
        create: '新建标签',
      },
      visits: {
        rule_update: '修改走访规则',
        day_schedule: '安排民情日',
      },
      intake: {
        open311_key: {
          create: '签发 Open311 密钥',
          revoke: '吊销 Open311 密钥',
        },
        push_key: {
          create: '签发推送密钥',
          revoke: '吊销推送密钥',
        },
        source: {
          create: '新建事项来源',
          update: '修改事项来源',
          mapping: '保存字段对应',
        },
      },
      diary: {
        review: '审阅日记',
      },
    },
    entities: {
      person: '人员',
      household: '户',
      user: '用户',
      unit: '单位',
      region: '区域',
      category: '分类',
      routing_rule: '分派规则',
      tag: '标签',
      visit_rule: '走访规则',
      visit_day: '民情日',
      api_client: '接口密钥',
      case_source: '事项来源',
      import_job: '导入任务',
      diary: '日记',
    },
  },
}
